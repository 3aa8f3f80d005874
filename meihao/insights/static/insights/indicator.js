// The trend chart of an indicator page. The data comes from the page's json_script block and
// reaches ECharts only as data: the tooltip renders rich text, never HTML.
(function () {
  "use strict";
  var source = document.getElementById("indicator-trend-data");
  var element = document.getElementById("indicator-trend");
  if (!source || !element || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    title: { text: data.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis", renderMode: "richText" },
    grid: { left: 44, right: 16, top: 40, bottom: 28 },
    xAxis: { type: "category", data: data.labels, axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", name: data.unit === "count" ? "" : data.unit },
    series: [{
      type: "line",
      data: data.values,
      connectNulls: false,
      itemStyle: { color: "#c8102e" },
      areaStyle: { opacity: 0.1 }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
