// The Create page's choices beyond the images: how many pictures make a model, and the model's options
// (quality or an exact polycount, realistic materials, topology, texture detail). Each change calls onChange.
import { fmt, h } from './ui.js';

const ROLES = ['front', 'left', 'back', 'right'];
const ROLE_WORDS = { front: 'Front', left: 'Left side', back: 'Back', right: 'Right side' };

/** The catalog's generation choices (GET /billing/plans, no sign-in); the built-in bounds until it answers. */
export async function generationChoices(apiUrl) {
  try {
    const plans = await (await fetch(apiUrl + '/billing/plans')).json();
    if (plans.generation?.polycount) return plans.generation;
  } catch (e) {
    // The defaults below keep Create usable.
  }
  return { polycount: { min: 500, max: 30000, presets: { low: 1000, medium: 5000, high: 10000 } } };
}

/** "One model per photo" or "One model from several views of one object". */
export function modeChooser(onChange) {
  const choice = (value, text, hint) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'mode', value, checked: value === 'photos', onchange: onChange }),
      ' ',
      h('strong', {}, text),
      h('span', { class: 'muted' }, ': ' + hint),
    );
  const element = h(
    'fieldset',
    { id: 'mode' },
    h('legend', {}, 'What to make'),
    choice('photos', 'One model per photo', 'each image becomes its own model.'),
    choice('views', 'One model from several views', '2 to 4 photos of the same object: front, sides, back.'),
  );
  return { element, views: () => element.querySelector('input[name=mode]:checked')?.value === 'views' };
}

/** Which side each chosen photo shows: the next free side for a new photo. */
export function nextRole(taken) {
  return ROLES.find((r) => !taken.includes(r)) || null;
}

/** The side picker of one photo of a model of views. */
export function rolePicker(entry, index, onChange) {
  const id = 'role-' + index;
  return h(
    'label',
    { for: id, class: 'role' },
    'Shows the ',
    h(
      'select',
      {
        id,
        onchange: (e) => {
          entry.role = e.target.value;
          onChange();
        },
      },
      ...ROLES.map((r) => h('option', { value: r, selected: entry.role === r }, ROLE_WORDS[r].toLowerCase())),
    ),
  );
}

/** What is wrong with the views' sides (none: null). */
export function viewsProblem(entries) {
  const roles = entries.map((e) => e.role);
  if (entries.length < 2) return 'Choose 2 to 4 photos of the object.';
  if (entries.length > 4) return 'A model takes at most 4 views: remove ' + (entries.length - 4) + '.';
  if (!roles.includes('front')) return 'One photo must show the front.';
  const twice = ROLES.find((r) => roles.filter((x) => x === r).length > 1);
  if (twice) return `Two photos show the ${ROLE_WORDS[twice].toLowerCase()}: each side once.`;
  return null;
}

/** The options panel: quality presets with a polycount slider, materials, topology, texture. */
export function optionsPanel(generation, start, onChange) {
  const { min, max, presets } = generation.polycount;
  const names = Object.keys(presets);
  const slider = h('input', {
    type: 'range',
    id: 'polycount',
    min,
    max,
    step: 100,
    value: presets[start.quality] || presets.medium || min,
    list: 'polycount-marks',
    'aria-describedby': 'polycount-value',
  });
  const marks = h(
    'datalist',
    { id: 'polycount-marks' },
    ...names.map((n) => h('option', { value: presets[n], label: n })),
  );
  const said = h('output', { id: 'polycount-value', for: 'polycount' });
  const quality = h(
    'fieldset',
    { id: 'detail' },
    h('legend', {}, 'Detail'),
    ...names.map((value) =>
      h(
        'label',
        {},
        h('input', {
          type: 'radio',
          name: 'quality',
          value,
          checked: value === (start.quality || 'medium'),
          onchange: () => {
            slider.value = presets[value];
            changed();
          },
        }),
        ` ${value[0].toUpperCase()}${value.slice(1)} (~${fmt(presets[value])} faces)`,
      ),
    ),
  );
  const exact = h(
    'fieldset',
    {},
    h('legend', {}, 'Exact number of faces'),
    h('label', { for: 'polycount', class: 'slider' }, 'Faces'),
    slider,
    marks,
    said,
  );
  slider.addEventListener('input', () => {
    // A slider at a preset's mark is that preset; anywhere else, an exact polycount.
    const preset = names.find((n) => presets[n] === Number(slider.value));
    quality.querySelectorAll('input[name=quality]').forEach((r) => (r.checked = r.value === preset));
    changed();
  });
  const box = (id, text, hint) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'checkbox', id, onchange: changed }),
      ' ',
      h('strong', {}, text),
      h('span', { class: 'muted' }, ': ' + hint),
    );
  const pbr = box('pbr', 'Realistic materials', 'surface relief and shine maps (PBR), for renders and game engines.');
  const quads = box('quads', 'Quad mesh', 'four-sided faces, easier to edit and subdivide in Blender or Maya.');
  const detailed = box('detailed', 'Detailed texture', 'a texture twice as sharp, for close-ups.');
  const more = h(
    'details',
    { id: 'options', open: start.open || false },
    h('summary', {}, 'More options: faces, materials, mesh, texture'),
    exact,
    h('fieldset', {}, h('legend', {}, 'Extras'), pbr, quads, detailed),
  );
  const element = h('div', { class: 'generation-options' }, quality, more);
  function changed() {
    const preset = chosenQuality();
    said.textContent = `${fmt(Number(slider.value))} faces` + (preset ? ` (${preset})` : ' (custom)');
    onChange();
  }
  function chosenQuality() {
    return element.querySelector('input[name=quality]:checked')?.value || null;
  }
  said.textContent = `${fmt(Number(slider.value))} faces`;
  return {
    element,
    quality: () => chosenQuality() || 'custom',
    /** The options as POST /jobs and POST /credits/estimate take them. */
    value() {
      const out = {};
      const preset = chosenQuality();
      if (preset) out.quality = preset;
      else out.polycount = Number(slider.value);
      if (element.querySelector('#pbr').checked) out.pbr = true;
      if (element.querySelector('#quads').checked) out.topology = 'quads';
      if (element.querySelector('#detailed').checked) out.textureQuality = 'detailed';
      return out;
    },
    /** Plain words for the summary: "medium, realistic materials". */
    words() {
      const v = this.value();
      return [
        v.quality || `${fmt(v.polycount)} faces`,
        v.pbr ? 'realistic materials' : null,
        v.topology ? 'quads' : null,
        v.textureQuality ? 'detailed texture' : null,
      ]
        .filter(Boolean)
        .join(', ');
    },
    useQuality(q) {
      const radio = element.querySelector(`input[name=quality][value=${q}]`);
      if (!radio) return;
      radio.checked = true;
      slider.value = presets[q];
      changed();
    },
  };
}

/** The options a finished model was made with, in plain words ("5,000 faces, realistic materials, 2 views"). */
export function optionsWords(options, views) {
  if (!options) return '';
  return [
    `${fmt(options.polycount)} faces` +
      (options.quality && options.quality !== 'custom' ? ` (${options.quality})` : ''),
    options.pbr ? 'realistic materials' : null,
    options.topology === 'quads' ? 'quad mesh' : null,
    options.textureQuality === 'detailed' ? 'detailed texture' : null,
    views ? `from ${views} views` : null,
  ]
    .filter(Boolean)
    .join(', ');
}
