// Which settings follow the text's size. The core suggests values for a text of so many tokens
// (src/suggested_settings.cpp, sent with each token count); a field takes them until the user edits
// it. A field a link or a saved session set keeps its value: at the next suggestion it follows from
// then on if it holds the suggested value already, and keeps it for good if not, so an opened link
// (or an older one, made before the rule) trains exactly the run it was made with.

const AUTO = 'auto';          // takes each suggestion (the default state)
const EDITED = 'edited';      // the user's value: suggestions pass it by
const RESTORED = 'restored';  // a link's or a session's value: decided at the next suggestion

// Whether a field's value is the suggested one (numbers as the form reads them: 0.003 and the
// float 0.0030000001 are the same).
function same(value, suggested) {
  if (typeof suggested === 'number' && typeof value === 'number') {
    return Math.abs(value - suggested) <= 1e-6 * Math.max(1, Math.abs(suggested));
  }
  return value === suggested;
}

export class AutoSettings {
  constructor() {
    this.states = new Map();  // name -> EDITED | RESTORED; absent: AUTO
  }

  // The user changed `name`: it keeps its value.
  edited(name) { this.states.set(name, EDITED); }

  // A link or a saved session set these values.
  restored(names) { for (const name of names) this.states.set(name, RESTORED); }

  // Back to following the suggestions (the Defaults button).
  reset() { this.states.clear(); }

  isAuto(name) { return (this.states.get(name) ?? AUTO) === AUTO; }

  // The suggestion {name: value} for the text now, given the fields' values {name: value}:
  // {changes: {name: value} to write, auto: [names now following the text]}.
  apply(values, suggested) {
    const changes = {};
    const auto = [];
    for (const [name, value] of Object.entries(suggested)) {
      if (!(name in values)) continue;
      const state = this.states.get(name) ?? AUTO;
      if (state === EDITED) continue;
      if (state === RESTORED) {
        if (!same(values[name], value)) { this.states.set(name, EDITED); continue; }
        this.states.delete(name);
      }
      if (!same(values[name], value)) changes[name] = value;
      auto.push(name);
    }
    return { changes, auto };
  }
}
