// Dashboard charts (ECharts, vendored). The data sit in <script id="chart-data"> (json_script);
// every chart also has its rows as a table under it. Patterns (decal) keep series apart when
// the page is printed in black and white.
(function () {
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var colours = ["#a4161a", "#1f6feb", "#2da44e", "#bf8700", "#6e7781", "#8250df", "#cf222e", "#0a3069"];
  var narrow = window.matchMedia("(max-width: 575.98px)").matches;
  var drawn = [];

  function base() {
    return {
      animation: false,
      color: colours,
      aria: { enabled: true, decal: { show: true } },
      tooltip: { trigger: "item", confine: true, renderMode: "richText" },
      textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
    };
  }

  function option(c) {
    var o = base();
    if (c.kind === "pie") {
      o.legend = { type: "scroll", bottom: 0 };
      o.series = [{
        type: "pie", radius: narrow ? ["30%", "60%"] : ["35%", "65%"], center: ["50%", "45%"],
        data: c.categories.map(function (name, i) { return { name: name, value: c.series[0].data[i] }; }),
        label: { formatter: "{b}\n{c}（{d}%）", fontSize: 11 },
      }];
      return o;
    }
    var horizontal = c.kind === "hbar";
    var categoryAxis = { type: "category", data: c.categories, axisLabel: { width: narrow ? 90 : 180, overflow: "truncate" } };
    var valueAxis = { type: "value", minInterval: 1, min: 0 };
    o.tooltip = { trigger: "axis", confine: true, renderMode: "richText", axisPointer: { type: c.kind === "line" ? "line" : "shadow" } };
    o.legend = c.series.length > 1 ? { top: 0, type: "scroll" } : undefined;
    o.grid = { left: 8, right: 24, top: c.series.length > 1 ? 36 : 16, bottom: 8, containLabel: true };
    o.xAxis = horizontal ? valueAxis : categoryAxis;
    o.yAxis = horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis;
    o.series = c.series.map(function (s, i) {
      var one = {
        name: s.name, type: c.kind === "line" ? "line" : "bar", data: s.data,
        stack: horizontal && c.series.length > 1 ? "total" : undefined,
        label: { show: !narrow || c.series.length === 1, position: horizontal && c.series.length === 1 ? "right" : "inside",
                 formatter: function (p) { return p.value || ""; } },
      };
      if (c.kind === "line") {
        one.symbol = ["circle", "rect", "triangle", "diamond"][i % 4];
        one.symbolSize = 7;
        one.label = { show: true, position: "top" };
        one.lineStyle = { type: ["solid", "dashed", "dotted"][i % 3] };
      }
      return one;
    });
    return o;
  }

  charts.forEach(function (c) {
    var holder = document.querySelector('[data-chart="' + c.key + '"]');
    if (!holder) return;
    if (c.kind === "hbar") holder.style.height = Math.max(180, 36 * c.categories.length + 60) + "px";
    var chart = echarts.init(holder, null, { renderer: "svg" });
    chart.setOption(option(c));
    drawn.push(chart);
  });
  window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { drawn.forEach(function (c) { c.resize(); }); });
})();
