// The cohort's experience map: a cadre × category heatmap (ECharts, vendored). Grey shades and
// the count printed in every cell keep it legible in black and white; the data are also the
// table under it. On a phone the chart keeps a readable width and scrolls sideways.
(function () {
  var source = document.getElementById("peer-map-data");
  var holder = document.querySelector("[data-peer-map]");
  if (!source || !holder || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var narrow = window.matchMedia("(max-width: 575.98px)").matches;
  holder.style.height = Math.max(220, 28 * data.cadres.length + 140) + "px";
  holder.style.minWidth = Math.max(320, 56 * data.categories.length + 110) + "px";
  var chart = echarts.init(holder, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
    tooltip: {
      confine: true,
      formatter: function (p) {
        return data.cadres[p.value[1]] + " · " + data.categories[p.value[0]] + "：" + p.value[2] + " 条";
      },
    },
    grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
    xAxis: {
      type: "category", data: data.categories, position: "top", splitArea: { show: true },
      axisLabel: { interval: 0, rotate: narrow ? 60 : 30, fontSize: 11 },
    },
    yAxis: { type: "category", data: data.cadres, inverse: true, splitArea: { show: true }, axisLabel: { fontSize: 11 } },
    visualMap: {
      min: 0, max: Math.max(1, data.max), calculable: false, orient: "horizontal", left: "center", bottom: 0,
      itemHeight: 120, text: ["多", "少"], inRange: { color: ["#f2f2f2", "#8c8c8c", "#1f1f1f"] },
    },
    series: [{
      type: "heatmap", data: data.cells,
      label: { show: true, fontSize: 11, color: "#000", textBorderColor: "#fff", textBorderWidth: 2 },
      itemStyle: { borderColor: "#fff", borderWidth: 1 },
    }],
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.addEventListener("beforeprint", function () { chart.resize(); });
})();
