// Charts of the case statistics page: data comes from the page's json_script block.
(function () {
  "use strict";
  var source = document.getElementById("insights-charts");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var red = "#c8102e";
  var charts = [];

  function draw(id, series, options) {
    var element = document.getElementById(id);
    if (!element) return;
    var chart = echarts.init(element, null, { renderer: "svg" });
    var horizontal = options && options.horizontal;
    var category = { type: "category", data: series.labels, axisLabel: { hideOverlap: true } };
    var value = { type: "value", minInterval: 1 };
    chart.setOption({
      title: { text: series.title, left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: horizontal ? 96 : 36, right: 16, top: 40, bottom: 28 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: [{
        type: options && options.line ? "line" : "bar",
        data: series.values,
        itemStyle: { color: red },
        areaStyle: options && options.line ? { opacity: 0.1 } : undefined,
        smooth: false,
        showSymbol: false
      }]
    });
    charts.push(chart);
  }

  draw("chart-per-day", data.per_day, { line: true });
  draw("chart-by-class", data.by_class, { horizontal: true });
  draw("chart-by-department", data.by_department, { horizontal: true });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
