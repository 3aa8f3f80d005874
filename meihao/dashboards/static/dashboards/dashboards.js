// A dashboard's charts: sparklines, the ranking and the closed-loop funnel (the heat map of cases
// per grid is a map: heatmap.js). The data comes from the page's json_script block and reaches
// ECharts only as data (tooltips in rich text, never HTML); clicking an element opens the list
// of its records.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var charts = [];
  var RED = "#c8102e";

  function make(element) {
    var chart = echarts.init(element, null, { renderer: "svg" });
    charts.push(chart);
    return chart;
  }

  function follow(chart, urlOf) {
    chart.on("click", function (params) {
      var url = urlOf(params);
      if (url && url.charAt(0) === "/") window.location.assign(url);
    });
  }

  data.tiles.forEach(function (tile) {
    var element = document.getElementById("spark-" + tile.code);
    if (!element) return;
    var chart = make(element);
    chart.setOption({
      animation: false,
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      tooltip: { trigger: "item", renderMode: "richText" },
      xAxis: { type: "category", show: false, data: tile.spark.map(function (p) { return p.label; }) },
      yAxis: { type: "value", show: false, scale: true },
      series: [{
        type: "line",
        data: tile.spark.map(function (p) { return p.value; }),
        symbolSize: 6,
        connectNulls: false,
        lineStyle: { color: RED, width: 1.5 },
        itemStyle: { color: RED },
        areaStyle: { color: RED, opacity: 0.08 }
      }]
    });
    follow(chart, function (p) { return tile.spark[p.dataIndex] && tile.spark[p.dataIndex].url; });
  });

  var ranking = document.getElementById("dashboard-ranking");
  if (ranking && data.ranking.rows.length) {
    var rows = data.ranking.rows.slice().reverse();
    var chart = make(ranking);
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", renderMode: "richText" },
      xAxis: { type: "value", max: data.ranking.unit === "%" ? 100 : null },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { width: 96, overflow: "truncate" } },
      series: [{
        type: "bar",
        data: rows.map(function (r) { return r.value; }),
        itemStyle: { color: RED },
        label: { show: true, position: "right" }
      }]
    });
    follow(chart, function (p) { return rows[p.dataIndex] && rows[p.dataIndex].url; });
  }

  var funnel = document.getElementById("dashboard-funnel");
  if (funnel && data.funnel && !data.funnel.empty) {
    var stages = data.funnel.stages;
    var chart2 = make(funnel);
    chart2.setOption({
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText" },
      series: [{
        type: "funnel",
        sort: "none",
        left: 8, right: 8, top: 8, bottom: 8,
        minSize: "12%",
        gap: 2,
        label: { show: true, position: "inside" },
        color: ["#c8102e", "#d6334d", "#e0566c", "#e9798b", "#f19caa", "#f7bfc8"],
        // The stage's label is its name and count: the label shows the name, drawn as text.
        data: stages.map(function (s) { return { name: s.name + " " + (s.value || 0), value: s.value || 0 }; })
      }]
    });
    follow(chart2, function (p) { return stages[p.dataIndex] && stages[p.dataIndex].url; });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
