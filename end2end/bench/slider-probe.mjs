// The in-page probe for the "slider → next frame" budget, shared by browser-bench.mjs and
// profile-slider.mjs so both measure the same thing.
//
// What it measures: the time from a slider's `input` event to the first task after the next
// frame is rendered (requestAnimationFrame, then a zero timeout). A change that fits before the
// next vsync is drawn by that frame; one that does not waits a whole frame more.
//
// Where in the frame the input lands matters as much as the work: a person's input arrives at
// any point of the 16.7 ms frame interval, so the probe spreads the changes evenly over it
// (the k-th change of each 15 waits k/15 of a frame after a frame). An earlier probe waited a
// fixed 30 ms after a frame, which put every input ≈ 3 ms before the next vsync: any change
// taking more than 3 ms then measured a whole extra frame.

/**
 * Runs in the page (pass to `page.evaluate(sliderProbe, { id, changes, step })`): changes the
 * slider `[data-testid=id]` `changes` times and returns, per change, `{ ms, phase }` — the
 * latency and how far into the frame interval the input landed (ms). The value jumps between
 * 25 % and 75 % of the range (a click on the track); with `step: true` it moves by one step
 * around the middle instead (a drag).
 */
export async function sliderProbe({ id, changes, step = false }) {
  const el = document.querySelector(`[data-testid=${id}]`);
  const lo = Number(el.min), hi = Number(el.max);
  const stride = Number(el.step) > 0 ? Number(el.step) : (hi - lo) / 100;
  const middle = lo + Math.round((hi - lo) / 2 / stride) * stride;
  const value = (i) => (step ? middle + (i % 2) * stride : lo + (hi - lo) * (i % 2 ? 0.25 : 0.75));
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  // The frame interval of this page (median of a few).
  const stamps = [];
  for (let i = 0; i < 7; i++) stamps.push(await frame());
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]).sort((a, b) => a - b);
  const interval = gaps[Math.floor(gaps.length / 2)] || 1000 / 60;
  const out = [];
  for (let i = 0; i < changes; i++) {
    await wait(30); // let the previous change's follow-up work (progressive slices) settle
    const vsync = await frame();
    const phase = ((i * 7) % 15) / 15 * interval; // 0, 7/15, 14/15, 6/15, …: all 15 phases
    await wait(Math.max(0, phase - (performance.now() - vsync)));
    el.value = String(value(i));
    const t0 = performance.now();
    el.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    out.push({ ms: performance.now() - t0, phase: (t0 - vsync) % interval });
  }
  return out;
}
