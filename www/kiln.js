/*
 * kiln.js - small progressive enhancements; every page works without it.
 *
 * Pickers: an input.pick (a reference field's text, name "FIELD.q",
 * after a hidden input "FIELD" holding the id) becomes a combobox (the
 * WAI-ARIA 1.2 pattern) over GET /search.xml?in=ENTITY&q=TEXT; choosing
 * sets the id and the text, so the server takes the id.  Without this
 * script the server resolves the text itself.
 *
 * The header's search box suggests records of every kind the same way;
 * choosing one opens it, Enter without a choice runs the full search.
 * "/" anywhere outside a field puts the cursor in it.
 */
(function () {
	'use strict';

	var DELAY = 150;	/* ms of quiet typing before asking */
	var seq = 0;

	function results(url, q, done) {
		var sep = url.indexOf('?') < 0 ? '?' : '&';
		fetch(url + sep + 'q=' + encodeURIComponent(q), {
			credentials: 'same-origin',
			headers: { 'Accept': 'application/xml' }
		}).then(function (res) {
			return res.ok ? res.text() : '';
		}).then(function (text) {
			var doc, out = [], el, i;
			if (!text)
				return done(out);
			doc = new DOMParser().parseFromString(text,
			    'application/xml');
			el = doc.documentElement ? doc.documentElement.children : [];
			for (i = 0; i < el.length; i++)
				out.push({
					kind: el[i].getAttribute('kind') || '',
					id: el[i].getAttribute('id'),
					href: el[i].getAttribute('href'),
					title: el[i].textContent,
					detail: el[i].getAttribute('detail') || ''
				});
			done(out);
		}).catch(function () { done([]); });
	}

	/*
	 * input: the text box; url: its search; pick(item): what choosing
	 * does.  Returns nothing; wires the listbox and the keys.
	 */
	function combobox(input, url, pick, kinds) {
		var list = document.createElement('ul');
		var items = [], active = -1, timer = null, asked = '';
		var id = (input.id || 'pick' + (++seq)) + '-list';

		list.id = id;
		list.className = 'picklist';
		list.setAttribute('role', 'listbox');
		list.hidden = true;
		input.parentNode.insertBefore(list, input.nextSibling);
		input.setAttribute('role', 'combobox');
		input.setAttribute('aria-autocomplete', 'list');
		input.setAttribute('aria-expanded', 'false');
		input.setAttribute('aria-controls', id);

		function close() {
			list.hidden = true;
			input.setAttribute('aria-expanded', 'false');
			input.removeAttribute('aria-activedescendant');
			active = -1;
		}
		function mark(k) {
			var li = list.children, i;
			for (i = 0; i < li.length; i++)
				li[i].setAttribute('aria-selected',
				    i === k ? 'true' : 'false');
			active = k;
			if (k >= 0) {
				input.setAttribute('aria-activedescendant',
				    li[k].id);
				li[k].scrollIntoView({ block: 'nearest' });
			} else
				input.removeAttribute('aria-activedescendant');
		}
		function choose(k) {
			var it = items[k];
			close();
			if (it)
				pick(it);
		}
		function show(found) {
			var i, li, small;
			items = found;
			list.textContent = '';
			for (i = 0; i < found.length; i++) {
				li = document.createElement('li');
				li.id = id + '-' + i;
				li.setAttribute('role', 'option');
				li.setAttribute('aria-selected', 'false');
				li.textContent = found[i].title;
				/* The header's results: each kind's first says it. */
				if (kinds && (i === 0 ||
				    found[i].kind !== found[i - 1].kind)) {
					small = document.createElement('span');
					small.className = 'kind';
					small.textContent = found[i].kind;
					li.insertBefore(small, li.firstChild);
				}
				if (found[i].detail) {
					small = document.createElement('small');
					small.textContent = ' ' + found[i].detail;
					li.appendChild(small);
				}
				li.addEventListener('mousedown', (function (k) {
					return function (ev) {
						ev.preventDefault();	/* keep focus */
						choose(k);
					};
				})(i));
				list.appendChild(li);
			}
			if (found.length === 0) {
				close();
				return;
			}
			list.hidden = false;
			input.setAttribute('aria-expanded', 'true');
			mark(-1);
		}
		function ask() {
			var q = input.value.trim();
			if (q === asked)
				return;
			asked = q;
			if (q === '') {
				show([]);
				return;
			}
			results(url, q, function (found) {
				if (input.value.trim() === q)
					show(found);
			});
		}
		input.addEventListener('input', function () {
			clearTimeout(timer);
			timer = setTimeout(ask, DELAY);
		});
		input.addEventListener('keydown', function (ev) {
			var n = items.length;
			if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
				if (list.hidden) {
					asked = '';
					ask();
					ev.preventDefault();
					return;
				}
				if (n > 0)
					mark(ev.key === 'ArrowDown' ?
					    (active + 1) % n :
					    (active <= 0 ? n - 1 : active - 1));
				ev.preventDefault();
			} else if (ev.key === 'Enter' && !list.hidden &&
			    active >= 0) {
				ev.preventDefault();
				choose(active);
			} else if (ev.key === 'Escape' && !list.hidden) {
				ev.preventDefault();
				close();
			}
		});
		input.addEventListener('blur', close);
	}

	function pickers() {
		var all = document.querySelectorAll('input.pick[data-search]');
		var i;
		for (i = 0; i < all.length; i++)
			(function (input) {
				var name = input.name.replace(/\.q$/, '');
				var hidden = input.previousElementSibling;
				/* None while a choice list is showing. */
				if (!hidden || hidden.type !== 'hidden' ||
				    hidden.name !== name)
					return;
				input.addEventListener('input', function () {
					hidden.value = '';
				});
				combobox(input, input.getAttribute('data-search'),
				    function (it) {
					hidden.value = it.id;
					input.value = it.title;
					input.dispatchEvent(new Event('change',
					    { bubbles: true }));
				});
			})(all[i]);
	}

	function headerSearch() {
		var input = document.getElementById('site-q');
		if (!input || !input.form)
			return;
		combobox(input, input.form.getAttribute('data-search'),
		    function (it) {
			window.location.href = it.href;
		}, true);
		document.addEventListener('keydown', function (ev) {
			var t = ev.target.tagName;
			if (ev.key !== '/' || ev.ctrlKey || ev.metaKey ||
			    ev.altKey || t === 'INPUT' || t === 'TEXTAREA' ||
			    t === 'SELECT' || ev.target.isContentEditable)
				return;
			ev.preventDefault();
			input.focus();
		});
	}

	/* A document's Print button (hidden until this script can work it). */
	function printButtons() {
		var all = document.querySelectorAll('button[data-print]'), i;
		for (i = 0; i < all.length; i++) {
			all[i].hidden = false;
			all[i].addEventListener('click', function () {
				window.print();
			});
		}
	}

	function start() {
		pickers();
		headerSearch();
		printButtons();
	}
	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
