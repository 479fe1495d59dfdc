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

    // A live preview of the odds while editing, through the JSON API's preview, which
    // stores nothing. The same plan run with the button afterwards is answered from the cache.
    const preview = document.getElementById('preview');
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
      for (const el of form.elements) {
        if (!el.name || el.name === 'action' || el.type === 'hidden') continue;
        const holder = el.closest('[data-only]');
        if (holder && holder.hidden) continue;
        let value;
        if (el.type === 'checkbox') {
          value = el.checked;
        } else if (el.value.trim() === '') {
          continue;
        } else if (el.type === 'number') {
          value = Number(el.value) / Number(el.dataset.scale || 1);
        } else {
          value = el.value;
        }
        setPath(plan, el.name, value);
      }
      for (const list of [plan.income, plan.events, plan.spending && plan.spending.steps]) {
        if (list) list.forEach((row, i) => { if (row === undefined) list[i] = {}; });
      }
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
    let timer = 0;
    let generation = 0;
    const runPreview = async () => {
      const mine = ++generation;
      const required = [...form.querySelectorAll('[required]')];
      // The savings are needed unless the accounts give them.
      const noSavings = !accountsGiven() && form.elements['portfolio.balance'].value.trim() === '';
      if (!form.checkValidity() || noSavings || required.some((el) => el.value.trim() === '')) {
        preview.hidden = true;
        return;
      }
      preview.hidden = false;
      preview.textContent = 'Preview: simulating…';
      try {
        const response = await fetch('/api/v1/previews', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(toPlan()),
        });
        const body = await response.json();
        if (mine !== generation) return;
        if (response.ok) {
          // Worded as the result page words it: a strategy with a floor is judged by it.
          const of100 = (share) => Math.round(share * 100);
          const plan = body.plan;
          const odds = of100(body.success_probability);
          // As the result page words how far the plan runs: to an age, or while you live.
          let until = `to age ${plan.end_age}`;
          let at = `at age ${plan.end_age}`;
          if (plan.longevity) {
            until = plan.partner ? 'as long as either of you lives' : 'as long as you live';
            at = until;
          } else if (plan.partner) {
            until = 'while either of you lives';
            at = until;
          }
          if (body.floor_held && body.money_lasts) {
            const floor = Math.round(plan.spending.floor).toLocaleString('en-US');
            preview.textContent = `Preview: ${odds} of 100 futures keep your spending at or above its $${floor} floor ${until}; the money lasts in ${of100(body.money_lasts.probability)} of 100.`;
          } else {
            preview.textContent = `Preview: ${odds} of 100 futures still have money ${at}.`;
          }
        } else if (body.error && body.error.fields && body.error.fields.length) {
          const first = body.error.fields[0];
          preview.textContent = `Preview: ${inFormWords(first)}.`;
        } else {
          preview.textContent = 'Preview unavailable; the button still works.';
        }
      } catch (_) {
        if (mine === generation) preview.textContent = 'Preview unavailable; the button still works.';
      }
    };
    form.addEventListener('input', (event) => {
      // Filling in an account shows the tax rules; emptying every account hides them.
      if (/^accounts\.[a-z]+\.balance$/.test(event.target.name)) syncOptional();
      clearTimeout(timer);
      timer = setTimeout(runPreview, 700);
    });
    form.addEventListener('change', (event) => {
      if (['spending.strategy', 'market.model', 'longevity.model'].includes(event.target.name)) {
        syncOptional();
      }
    });

    const summary = document.getElementById('error-summary');
    if (summary) summary.focus();
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
