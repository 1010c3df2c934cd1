// Runs first: any script error on the page is written into it, where a reader (and the browser test)
// sees it, instead of only into a console nobody opens.
(function () {
  function show(message) {
    var list = document.getElementById('render-errors');
    if (!list) {
      list = document.createElement('ul');
      list.id = 'render-errors';
      document.documentElement.appendChild(list);
    }
    var item = document.createElement('li');
    item.className = 'js-error';
    item.textContent = String(message);
    list.appendChild(item);
    document.documentElement.setAttribute('data-render', 'error');
  }
  window.addEventListener('error', function (event) {
    show(event.message || 'error loading ' + (event.target && event.target.tagName));
  }, true);
  window.addEventListener('unhandledrejection', function (event) {
    show('unhandled rejection: ' + event.reason);
  });
})();
