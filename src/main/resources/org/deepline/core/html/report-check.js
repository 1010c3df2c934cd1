// Runs last: confirms every chart drew its data (a curve through its points, or markers where a
// single point makes no line) and marks the page, so a headless browser's DOM says whether the
// report rendered.
(function () {
  var charts = document.querySelectorAll('svg.chart');
  var drawn = 0;
  for (var i = 0; i < charts.length; i++) {
    var curve = charts[i].querySelector('path.curve');
    var points = curve ? (curve.getAttribute('d').match(/[ML]/g) || []).length : 0;
    var visible = curve && (curve.getTotalLength() > 0 || charts[i].querySelector('circle.marker'));
    if (points > 0 && visible) {
      drawn++;
      charts[i].setAttribute('data-drawn', String(points));
    }
  }
  document.documentElement.setAttribute('data-charts', charts.length + '/' + drawn);
  if (document.documentElement.getAttribute('data-render') !== 'error') {
    document.documentElement.setAttribute('data-render', drawn === charts.length ? 'ok' : 'incomplete');
  }
})();
