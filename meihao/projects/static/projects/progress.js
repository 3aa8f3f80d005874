// A project's households signed and relocated over time: the data comes from the page's
// json_script block and reaches ECharts only as data (tooltips in rich text, never HTML).
(function () {
  "use strict";
  var source = document.getElementById("project-chart-data");
  var element = document.getElementById("project-chart");
  if (!source || !element || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { data: [data.labels.signed, data.labels.relocated], top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: { type: "category", data: data.days, axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: data.labels.signed, type: "line", data: data.signed, showSymbol: false,
        itemStyle: { color: "#c8102e" }, areaStyle: { opacity: 0.08 } },
      { name: data.labels.relocated, type: "line", data: data.relocated, showSymbol: false,
        itemStyle: { color: "#1f6f43" } }
    ]
  });
  element.dataset.signed = String(data.signed[data.signed.length - 1] || 0);
  window.addEventListener("resize", function () { chart.resize(); });
})();
