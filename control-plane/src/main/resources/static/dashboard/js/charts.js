// Time-series charts of a vFM's history, drawn by uPlot (served from its webjar).
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';

const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];

/**
 * A line chart in {@code container} with one line per series ({label, unit}); {@code update}
 * takes [[unix seconds...], [values of series 1...], ...], nulls for gaps.
 */
export function lineChart(container, title, series) {
  const width = () => Math.max(280, Math.min(container.clientWidth || 600, 900));
  const options = {
    title,
    width: width(),
    height: 200,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [{}, { size: 60 }],
    series: [{}, ...series.map((s, i) => ({
      label: `${s.label} (${s.unit})`,
      stroke: palette[i % palette.length],
      width: 2,
      spanGaps: false,
      points: { show: false },
    }))],
  };
  const empty = [[], ...series.map(() => [])];
  const plot = new uPlot(options, empty, container);
  const onResize = () => plot.setSize({ width: width(), height: 200 });
  window.addEventListener('resize', onResize);
  return {
    update: (data) => plot.setData(data),
    destroy: () => {
      window.removeEventListener('resize', onResize);
      plot.destroy();
    },
  };
}
