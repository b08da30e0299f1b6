// The page's run states (also on <body data-state>, for styling and the tests), one row each: what
// there is to explore, what Play and Step do, which controls work. The page looks a state up here
// instead of listing states wherever it decides something.
//
//   loading   the module is being fetched and compiled
//   idle      no run: Play starts one from the text and settings
//   preparing start() is tokenizing the text in the worker
//   running   the worker's loop is training
//   paused    a run exists and can resume
//   finished  all epochs done; Play starts a new run
//   diverged  the loss became NaN/inf; Play starts a new run
//   loaded    a saved model was loaded; it can be explored, not trained
//   vectors   vectors opened from a file: explored (map, neighbours, eval, export), never trained
//   crashed   the worker died too often, or the module cannot load: only a reload helps

const TRAIN = 'Train (space)';
const AGAIN = 'Train again from the start (space)';

function state(props) {
  return Object.freeze({
    hasRun: false,       // there are vectors to explore: the map, neighbours, analogies, eval, export
    trainedRun: false,   // they come from a run trained here (not a loaded model, not a file): a twin can follow it
    playStarts: false,   // Play and Step start a new run from the text and settings
    controlsOff: false,  // Play and Step are off, whatever the text and settings
    locked: false,       // Reset and Open vectors are off: nothing there yet, or a change under way
    noWorker: false,     // no worker to ask: it is not ready yet, or gone for good (Reset does nothing)
    keepsInputs: false,  // Play would go on with a run started from the text and settings it had then
    playLabel: 'Play',   // the Play button's name (aria-label)
    playTitle: TRAIN,    // and its hint
    ...props,
  });
}

export const RUN_STATES = Object.freeze({
  loading: state({ controlsOff: true, locked: true, noWorker: true }),
  idle: state({ playStarts: true }),
  preparing: state({ controlsOff: true, locked: true }),
  running: state({ hasRun: true, trainedRun: true, keepsInputs: true, playLabel: 'Pause', playTitle: 'Pause (space)' }),
  paused: state({ hasRun: true, trainedRun: true, keepsInputs: true, playTitle: 'Resume (space)' }),
  finished: state({ hasRun: true, trainedRun: true, playStarts: true, playTitle: AGAIN }),
  diverged: state({ hasRun: true, trainedRun: true, playStarts: true, playTitle: AGAIN }),
  loaded: state({ hasRun: true, playStarts: true, playTitle: AGAIN }),
  vectors: state({ hasRun: true, controlsOff: true }),
  crashed: state({ controlsOff: true, locked: true, noWorker: true }),
});
