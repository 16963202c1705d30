// Home page: secondments per cohort, stacked by status (ECharts, vendored).
(function () {
  var holder = document.getElementById("cohort-chart");
  var source = document.getElementById("cohort-chart-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = ["#f0ad4e", "#198754", "#6c757d", "#dc3545"];
  var chart = echarts.init(holder, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    color: colours,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.cohorts, axisLabel: { width: 180, overflow: "truncate" } },
    series: data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "total", data: s.data, label: { show: true, formatter: function (p) { return p.value || ""; } } };
    }),
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
