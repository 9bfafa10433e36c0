/* Draws the dashboard's charts with ECharts from the JSON the page carries (#dashboard-data): a line chart of
   each trend (14 or 30 days), a treemap of the child units coloured by the day's report status, and on a
   prefecture's dashboard a map of its counties coloured by the figure chosen. The page shows every figure as
   text without it. */
(function () {
  "use strict";
  var COLOURS = { on_time: "#2e7d32", zero: "#66bb6a", late: "#f9a825", missing: "#c62828", none: "#9e9e9e" };
  var LINES = ["#b3261e", "#0b57d0", "#2e7d32", "#8a5300", "#6a1b9a"];

  function data() {
    var node = document.getElementById("dashboard-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function lineOption(chart, days, count, wall) {
    var first = days.length - count;
    var text = wall ? "#e8eef5" : "#333";
    return {
      color: LINES,
      animation: false,
      textStyle: { fontSize: wall ? 18 : 12 },
      tooltip: { trigger: "axis" },
      legend: { show: chart.series.length > 1, top: 0, textStyle: { color: text, fontSize: wall ? 16 : 12 } },
      grid: { left: 8, right: 16, top: chart.series.length > 1 ? (wall ? 28 : 20) * chart.series.length : 16,
              bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: days.slice(first).map(function (day) { return day.slice(5); }),
        axisLabel: { color: text, fontSize: wall ? 16 : 11 }
      },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: text, fontSize: wall ? 16 : 11 } },
      series: chart.series.map(function (s) {
        return { name: s.label, type: "line", smooth: false, symbolSize: 5, data: s.values.slice(first) };
      })
    };
  }

  function drawLines(payload, wall, charts) {
    payload.charts.forEach(function (chart) {
      var box = document.querySelector('[data-chart="' + chart.key + '"]');
      if (!box) { return; }
      var instance = echarts.init(box);
      charts.push(instance);
      var count = wall ? payload.days.length : payload.short;
      instance.setOption(lineOption(chart, payload.days, count, wall));
      if (wall) { return; }
      var range = document.createElement("div");
      range.className = "dash-range";
      [payload.short, payload.days.length].forEach(function (days) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = days === payload.short ? payload.labels.days14 : payload.labels.days30;
        button.setAttribute("aria-pressed", String(days === count));
        button.addEventListener("click", function () {
          instance.setOption(lineOption(chart, payload.days, days, wall), { replaceMerge: ["series"] });
          range.querySelectorAll("button").forEach(function (other) {
            other.setAttribute("aria-pressed", String(other === button));
          });
        });
        range.appendChild(button);
      });
      box.parentNode.insertBefore(range, box);
    });
  }

  function treemapNodes(payload) {
    var labels = payload.labels;
    return payload.children.map(function (child) {
      if (!child.expected) {
        return { name: child.name, value: 1, url: child.url, itemStyle: { color: COLOURS.none } };
      }
      var parts = ["on_time", "zero", "late", "missing"].filter(function (status) { return child[status] > 0; });
      return {
        name: child.name + " " + (child.expected - child.missing) + "/" + child.expected,
        value: child.expected,
        url: child.url,
        itemStyle: { color: COLOURS[child.status === "filed" ? "on_time" : child.status] },
        children: parts.map(function (status) {
          return { name: labels[status] + " " + child[status], value: child[status], url: child.url,
                   itemStyle: { color: COLOURS[status] } };
        })
      };
    });
  }

  function drawTreemap(payload, wall, charts) {
    var box = document.getElementById("treemap");
    if (!box || !payload.children.length) { return; }
    var instance = echarts.init(box);
    charts.push(instance);
    instance.setOption({
      animation: false,
      tooltip: { formatter: function (info) { return echarts.format.encodeHTML(info.name); } },
      series: [{
        type: "treemap",
        roam: false,
        nodeClick: false,
        breadcrumb: { show: false },
        width: "100%",
        height: "100%",
        top: 0, left: 0, right: 0, bottom: 0,
        label: { fontSize: wall ? 18 : 12 },
        upperLabel: { show: true, height: wall ? 30 : 22, color: "#fff", fontSize: wall ? 18 : 12 },
        levels: [
          { itemStyle: { borderColor: "#37474f", borderWidth: 2, gapWidth: 2 } },
          { itemStyle: { borderColor: "#37474f", borderWidth: 1, gapWidth: 1 } }
        ],
        data: treemapNodes(payload)
      }]
    });
    instance.on("click", function (info) {
      if (info.data && info.data.url) { window.location.href = info.data.url; }
    });
  }

  function mapOption(payload, key, wall) {
    var values = payload.children.map(function (child) {
      return { name: child.name, value: child.figures[key] || 0, url: child.url };
    });
    var highest = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
    return {
      animation: false,
      tooltip: { trigger: "item", formatter: function (info) {
        return echarts.format.encodeHTML(info.name + ": " + (isNaN(info.value) ? 0 : info.value));
      } },
      visualMap: { min: 0, max: highest, calculable: true, left: 0, bottom: 0, inRange: { color: ["#e3f2fd", "#b3261e"] },
                   textStyle: { color: wall ? "#e8eef5" : "#333", fontSize: wall ? 16 : 12 } },
      series: [{ type: "map", map: payload.map.name, roam: false, data: values,
                 label: { show: true, fontSize: wall ? 16 : 11 }, emphasis: { label: { show: true } } }]
    };
  }

  function drawMap(payload, wall, charts) {
    var box = document.getElementById("prefecture-map");
    var choice = document.getElementById("map-figure");
    if (!box || !payload.map.url || !choice) { return; }
    fetch(payload.map.url, { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
      .then(function (shape) {
        echarts.registerMap(payload.map.name, shape);
        var instance = echarts.init(box);
        charts.push(instance);
        instance.setOption(mapOption(payload, choice.value, wall));
        choice.addEventListener("change", function () {
          instance.setOption(mapOption(payload, choice.value, wall), { replaceMerge: ["series"] });
        });
        instance.on("click", function (info) {
          if (info.data && info.data.url) { window.location.href = info.data.url; }
        });
        box.setAttribute("data-drawn", "true");
      })
      .catch(function () { box.remove(); choice.parentNode.remove(); });  // the table below still says it all
  }

  function start() {
    var payload = data();
    if (!payload || typeof echarts === "undefined") { return; }
    var wall = document.body.classList.contains("wall");
    var charts = [];
    drawLines(payload, wall, charts);
    drawTreemap(payload, wall, charts);
    drawMap(payload, wall, charts);
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
