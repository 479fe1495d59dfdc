// Glidepath: enhancements only. Every page works without this script.
(() => {
  'use strict';

  const form = document.getElementById('plan-form');
  if (form) {
    // With any account filled in, the tax rules apply and the savings are their total.
    const accountsGiven = () => [...form.querySelectorAll('input[name^="accounts."][name$=".balance"]')]
      .some((el) => el.value.trim() !== '');
    // Show only the fields of the chosen strategy, market model and lifetimes.
    const syncOptional = () => {
      const accounts = accountsGiven();
      const chosen = {
        strategy: form.elements['spending.strategy'].value,
        model: form.elements['market.model'].value,
        longevity: form.elements['longevity.model'].value,
        accounts: accounts ? 'yes' : 'no',
      };
      for (const el of form.querySelectorAll('[data-only]')) {
        const [kind, list] = el.dataset.only.split(':');
        el.hidden = !list.split(' ').includes(chosen[kind]);
      }
    };
    syncOptional();

    // Amounts as people type them, read as the server reads them (web/form/convert.rs):
    // "$60k", "60,000", "1.2M", "$1,200,000". NaN when the text is not an amount.
    const dollars = (text) => {
      let t = text.trim().toLowerCase().replace(/\u2212/g, '-');
      let negative = false;
      if (t.startsWith('-')) {
        negative = true;
        t = t.slice(1);
      } else if (t.startsWith('+')) {
        t = t.slice(1);
      }
      t = t.trimStart();
      if (t.startsWith('$')) t = t.slice(1);
      t = t.trim();
      if (!negative && t.startsWith('-')) {
        negative = true;
        t = t.slice(1).trimStart();
      }
      let scale = 1;
      for (const [suffix, factor] of [['thousand', 1e3], ['million', 1e6], ['k', 1e3], ['m', 1e6]]) {
        if (t.endsWith(suffix)) {
          t = t.slice(0, -suffix.length).trimEnd();
          scale = factor;
          break;
        }
      }
      const plain = t.replace(/[,_ ]/g, '');
      if (!/^[\d.]/.test(t) || !/^\d*\.?\d*$/.test(plain)) return NaN;
      let value = Number(plain);
      if (!Number.isFinite(value)) return NaN;
      if (scale !== 1) value = Math.round(value * scale * 100) / 100;
      return negative ? -value : value;
    };
    const usd = (value, cents) => value.toLocaleString('en-US', {
      style: 'currency', currency: 'USD', minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0,
    });
    const amountError = 'must be an amount in dollars, such as 60000, 60k or 1.2M';
    // Beside a money field: what it was read as, and a question for a small yearly amount.
    const showAmount = (el) => {
      const read = document.getElementById(`${el.id}-read`);
      const warning = document.getElementById(`${el.id}-warning`);
      const value = dollars(el.value);
      const known = el.value.trim() !== '' && !Number.isNaN(value);
      if (read) read.textContent = known ? `= ${usd(value, Math.round(value * 100) % 100 !== 0)}` : '';
      if (warning) {
        const small = known && value !== 0 && Math.abs(value) < 1000;
        warning.hidden = !small;
        warning.textContent = small
          ? `Is ${usd(value, false)} what you meant? For ${usd(value * 1000, false)}, type ${Math.round(value * 100) / 100}k.`
          : '';
      }
    };

    // The answer while editing, through the JSON API's preview, which stores nothing. The
    // same plan run with the button afterwards is answered from the cache.
    const setPath = (target, name, value) => {
      const keys = name.replace(/\[(\d+)\]/g, '.$1').split('.');
      let node = target;
      keys.forEach((key, i) => {
        if (i === keys.length - 1) {
          node[key] = value;
        } else {
          if (node[key] === undefined) node[key] = /^\d+$/.test(keys[i + 1]) ? [] : {};
          node = node[key];
        }
      });
    };
    const toPlan = () => {
      const plan = {};
      // Rows with something typed in them; a row just added, still empty, is left out, as
      // the server leaves it out (web/form/mod.rs: is_typed).
      const typed = new Set();
      for (const el of form.elements) {
        if (!el.name || el.name === 'action' || el.type === 'hidden') continue;
        const holder = el.closest('[data-only]');
        if (holder && holder.hidden) continue;
        const row = el.name.match(/^(.+\[\d+\])\./);
        const chosen = el.tagName === 'SELECT' ? el.value !== el.options[0].value : el.type !== 'checkbox';
        if (row && chosen && el.value.trim() !== '') typed.add(row[1]);
        let value;
        if (el.type === 'checkbox') {
          value = el.checked;
        } else if (el.value.trim() === '') {
          continue;
        } else if ('money' in el.dataset) {
          value = dollars(el.value);
        } else if (el.type === 'number') {
          value = Number(el.value) / Number(el.dataset.scale || 1);
        } else {
          value = el.value;
        }
        setPath(plan, el.name, value);
      }
      const rows = (name) => (list) => list && list.filter((_, i) => typed.has(`${name}[${i}]`));
      if (plan.income) plan.income = rows('income')(plan.income);
      if (plan.events) plan.events = rows('events')(plan.events);
      if (plan.spending && plan.spending.steps) plan.spending.steps = rows('spending.steps')(plan.spending.steps);
      return plan;
    };
    // An API error in the form's words, as the server words the form's own errors: fields
    // by their labels, shares in percent.
    const labelOf = (el) => {
      const label = el && el.labels && el.labels[0];
      return label ? label.firstChild.textContent.trim() : '';
    };
    const inFormWords = (error) => {
      const el = form.elements[error.path];
      const percent = el && el.dataset.scale === '100';
      let message = error.message
        .replace(/\b[a-z]+(?:[._][a-z]+)+\b/g, (word) => {
          const label = labelOf(form.elements[word]);
          return label ? `“${label}”` : word;
        })
        .replace(/add up to 1 \(they add up to ([\d.]+)\)/, (_, sum) => `add up to 100% (they add up to ${Math.round(Number(sum) * 10000) / 100}%)`)
        .replace(/exceed 1$/, 'exceed 100%');
      if (percent) {
        message = message.replace(/^must be between ([\d.]+) and ([\d.]+)$/, (_, lo, hi) => `must be between ${Number(lo) * 100}% and ${Number(hi) * 100}%`);
      }
      const label = labelOf(el) || labelOf(form.elements[`${error.path}.stocks`]);
      return label ? `${label}: ${message}` : message;
    };
    // The answer beside the form, kept current: worded as the server words it
    // (report/summary/odds.rs: headline, interval; web/answer.rs).
    const answer = () => document.getElementById('answer');
    const say = (headline, detail) => {
      document.getElementById('answer-title').textContent = 'The answer so far';
      document.getElementById('answer-headline').textContent = headline;
      document.getElementById('answer-detail').textContent = detail;
      answer().classList.remove('updating');
    };
    const of100 = (share) => Math.round(share * 100);
    const headline = (body) => {
      const plan = body.plan;
      const floor = body.floor_held && body.money_lasts ? usd(plan.spending.floor, false) : null;
      let end = `to age ${plan.end_age}`;
      if (plan.longevity) {
        end = plan.partner ? 'as long as either of you lives' : 'as long as you live';
      } else if (plan.partner) {
        end = `while either of you lives (to your age ${plan.current_age + body.years}, your partner's ${plan.partner.current_age + body.years})`;
      }
      if (body.historical) {
        const periods = body.historical.periods;
        const held = periods.filter((p) => p.depleted_at_age === null || p.depleted_at_age === undefined).length;
        const what = floor ? `your spending stays at or above its ${floor} floor ${end}` : `the money lasts ${end}`;
        return `In ${held} of ${periods.length} historical periods ${what}`;
      }
      const p = body.success_probability;
      let odds = String(of100(p));
      if (p >= 0.995 && p < 1) odds = 'More than 99';
      if (p > 0 && p <= 0.005) odds = 'Fewer than 1';
      let what = `still have money ${end}`;
      if (floor) what = `keep your spending at or above its ${floor} floor ${end}`;
      else if (!plan.partner && !plan.longevity) what = `still have money at age ${plan.end_age}`;
      return `${odds} of 100 simulated futures ${what}`;
    };
    const detail = (body) => {
      if (body.historical) return '';
      const [lo, hi] = body.success_interval_95;
      const parts = [`95% confidence interval ${of100(lo)}–${of100(hi)} of 100, from ${body.scenarios.toLocaleString('en-US')} simulated futures`];
      if (body.floor_held && body.money_lasts) {
        const lasts = body.money_lasts;
        parts.push(`The money itself lasts in ${of100(lasts.probability)} of 100 (${of100(lasts.interval_95[0])}–${of100(lasts.interval_95[1])}).`);
      }
      return parts.join('. ');
    };
    let timer = 0;
    let generation = 0;
    let inFlight = null;
    const runPreview = async () => {
      const mine = ++generation;
      const required = [...form.querySelectorAll('[required]')];
      const empty = required.find((el) => el.value.trim() === '');
      // The savings are needed unless the accounts give them.
      if (empty || (!accountsGiven() && form.elements['portfolio.balance'].value.trim() === '')) {
        const label = empty ? labelOf(empty) : labelOf(form.elements['portfolio.balance']);
        say(`Fill in “${label}” to see the answer.`, '');
        return;
      }
      const unread = [...form.querySelectorAll('[data-money]')]
        .find((el) => el.value.trim() !== '' && Number.isNaN(dollars(el.value)) && !el.closest('[data-only][hidden]'));
      if (unread) {
        say(`${labelOf(unread)}: ${amountError}.`, '');
        return;
      }
      answer().classList.add('updating');
      if (inFlight) inFlight.abort();
      inFlight = new AbortController();
      try {
        const response = await fetch('/api/v1/previews', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(toPlan()),
          signal: inFlight.signal,
        });
        const body = await response.json();
        if (mine !== generation) return;
        if (response.ok) {
          say(headline(body), detail(body));
        } else if (body.error && body.error.fields && body.error.fields.length) {
          say(`${inFormWords(body.error.fields[0])}.`, body.error.fields.length > 1 ? `And ${body.error.fields.length - 1} more to fix.` : '');
        } else if (response.status === 429) {
          say('Too many runs in a minute: the answer resumes shortly.', 'The button still works.');
        } else {
          say('The answer is unavailable just now.', 'The button still works.');
        }
      } catch (error) {
        if (mine === generation && error.name !== 'AbortError') {
          say('The answer is unavailable just now.', 'The button still works.');
        }
      }
    };
    form.addEventListener('input', (event) => {
      if ('money' in event.target.dataset) showAmount(event.target);
      // Filling in an account shows the tax rules; emptying every account hides them.
      if (/^accounts\.[a-z]+\.balance$/.test(event.target.name)) syncOptional();
      clearTimeout(timer);
      timer = setTimeout(runPreview, 150);
    });
    form.addEventListener('change', (event) => {
      if (['spending.strategy', 'market.model', 'longevity.model'].includes(event.target.name)) {
        syncOptional();
      }
    });

    // Row and preset buttons change the form in place: the server draws the new form (as it
    // does without the script, focused on the new row) and it replaces this one's content,
    // leaving the page where it was.
    let plain = false;
    form.addEventListener('submit', async (event) => {
      const button = event.submitter;
      if (plain || !button || button.name !== 'action') return;
      event.preventDefault();
      try {
        // Not form.action: the buttons named "action" shadow it.
        const response = await fetch(form.getAttribute('action'), {
          method: 'POST',
          headers: { accept: 'text/html' },
          body: new URLSearchParams(new FormData(form, button)),
        });
        if (!response.ok) throw new Error(String(response.status));
        const page = new DOMParser().parseFromString(await response.text(), 'text/html');
        const drawn = page.getElementById('plan-form');
        if (!drawn) throw new Error('no form');
        form.replaceChildren(...drawn.childNodes);
        syncOptional();
        const focus = form.querySelector('[autofocus]');
        if (focus) focus.focus();
      } catch (_) {
        // The plain post still works.
        plain = true;
        form.requestSubmit(button);
      }
    });

    const summary = document.getElementById('error-summary');
    if (summary) summary.focus();
  }

  // The result page shows at once; its analysis is fetched when it is ready.
  const pending = document.querySelector('#analysis[data-fragment]');
  if (pending) {
    (async () => {
      try {
        const response = await fetch(pending.dataset.fragment, { headers: { accept: 'text/html' } });
        if (!response.ok) throw new Error(String(response.status));
        pending.innerHTML = await response.text();
      } catch (_) {
        pending.querySelector('.notice').textContent = 'The analysis of what would change the odds is not available right now; reload the page in a moment.';
      }
      pending.removeAttribute('aria-busy');
      pending.classList.remove('pending');
    })();
  }

  // Copy the result's link.
  const copy = document.getElementById('copy-link');
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(copy.dataset.link);
        copy.textContent = 'Link copied';
      } catch (_) {
        document.getElementById('permalink').select();
      }
    });
  }
})();
