/* A "select all" checkbox (#otree-select-all) for the checkboxes of its table. */
(function () {
    'use strict';
    var all = document.getElementById('otree-select-all');
    if (!all) {
        return;
    }
    var table = all.closest('table');
    function boxes() {
        return Array.prototype.slice.call(table.querySelectorAll('tbody input[type="checkbox"]'));
    }
    all.addEventListener('change', function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
    });
    table.addEventListener('change', function (event) {
        if (event.target === all) {
            return;
        }
        var list = boxes();
        var checked = list.filter(function (box) { return box.checked; }).length;
        all.checked = checked === list.length && checked > 0;
        all.indeterminate = checked > 0 && checked < list.length;
    });
})();
