import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip, type ChartConfiguration } from 'chart.js';

// Only the pieces the console draws (bar charts), so the bundle carries no more of Chart.js than that.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title, Tooltip);

export const COLOURS = {
  answered: '#2e7d32',
  denied: '#c62828',
  budget: '#ef6c00',
  settled: '#1565c0',
  reversed: '#6a1b9a',
  pushes: '#00838f',
  refused: '#ad1457',
};

/** A bar chart on a canvas; animation off so what is drawn is final at once (and in screenshots). */
export function barChart(canvas: HTMLCanvasElement, config: Omit<ChartConfiguration<'bar'>, 'type'>): Chart<'bar'> {
  return new Chart(canvas, {
    type: 'bar',
    ...config,
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      ...config.options,
    },
  });
}
