//! Trains every family of a Learn preset on several seeds and prints the held-out accuracy:
//!
//! ```text
//! cargo run --release -p seqmix-core --example learn_report -- --preset selective-copying --seeds 3
//! ```
//!
//! One line per family and seed, `heldout <preset> <family> seed=<n> acc=<0..1>`, then a
//! markdown table of the median and range over seeds. Options: `--preset <id>|all`,
//! `--seeds <n>` (seeds 1..=n), `--families cnn,mamba,…` (default all six), `--steps <n>`
//! (overrides the preset's steps: for quick trials only, not the reported regime), `--knob <n>`
//! `--marked <n>` and `--symbols <n>` (override the task's sizes, also for trials only), `--jobs <n>`
//! (runs trained at once on separate threads, default 2: the two cores the timing assumes).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use seqmix_core::learn::presets::{preset, presets, Preset};
use seqmix_core::models::family::Family;

struct Args {
    presets: Vec<&'static Preset>,
    seeds: u64,
    families: Vec<Family>,
    steps: Option<usize>,
    knob: Option<usize>,
    marked: Option<usize>,
    symbols: Option<usize>,
    jobs: usize,
}

fn usage(msg: &str) -> ! {
    let ids: Vec<&str> = presets().iter().map(|p| p.id).collect();
    eprintln!(
        "{msg}\nusage: learn_report --preset <{}|all> [--seeds N] [--families cnn,transformer,...] [--steps N] [--knob N] [--marked N] [--symbols N] [--jobs N]",
        ids.join("|")
    );
    std::process::exit(2)
}

fn parse() -> Args {
    let mut args = Args {
        presets: Vec::new(),
        seeds: 3,
        families: Family::ALL.to_vec(),
        steps: None,
        knob: None,
        marked: None,
        symbols: None,
        jobs: 2,
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let mut it = raw.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--preset" => {
                args.presets = if value == "all" {
                    presets().iter().collect()
                } else {
                    vec![preset(value).unwrap_or_else(|| usage(&format!("no preset {value}")))]
                }
            }
            "--seeds" => {
                args.seeds = value
                    .parse()
                    .unwrap_or_else(|_| usage("--seeds takes a number"))
            }
            "--steps" => {
                args.steps = Some(
                    value
                        .parse()
                        .unwrap_or_else(|_| usage("--steps takes a number")),
                )
            }
            "--knob" => {
                args.knob = Some(
                    value
                        .parse()
                        .unwrap_or_else(|_| usage("--knob takes a number")),
                )
            }
            "--marked" => {
                args.marked = Some(
                    value
                        .parse()
                        .unwrap_or_else(|_| usage("--marked takes a number")),
                )
            }
            "--symbols" => {
                args.symbols = Some(
                    value
                        .parse()
                        .unwrap_or_else(|_| usage("--symbols takes a number")),
                )
            }
            "--jobs" => {
                args.jobs = value
                    .parse::<usize>()
                    .unwrap_or_else(|_| usage("--jobs takes a number"))
                    .max(1)
            }
            "--families" => {
                args.families = value
                    .split(',')
                    .map(|f| Family::from_id(f).unwrap_or_else(|| usage(&format!("no family {f}"))))
                    .collect()
            }
            _ => usage(&format!("unknown option {flag}")),
        }
    }
    if args.presets.is_empty() {
        usage("--preset is required");
    }
    args
}

/// One finished run: family, seed, held-out accuracy, parameters, seconds.
type Finished = (Family, u64, f32, usize, f64);

fn median(sorted: &[f32]) -> f32 {
    let n = sorted.len();
    if n == 0 {
        return f32::NAN;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
    }
}

fn main() {
    let args = parse();
    for &p in &args.presets {
        let mut owned = p.clone();
        owned.task.knob = args.knob.unwrap_or(p.task.knob);
        owned.task.marked = args.marked.unwrap_or(p.task.marked);
        owned.task.symbols = args.symbols.unwrap_or(p.task.symbols);
        let p = &owned;
        let steps = args.steps.unwrap_or(p.steps);
        println!(
            "# preset {}: task {:?} knob {} marked {} symbols {}, {} steps, batch {}, Adam lr {}",
            p.id, p.task.task, p.task.knob, p.task.marked, p.task.symbols, steps, p.batch, p.lr
        );
        // Every (family, seed) run, trained by `jobs` threads taking the next run in turn.
        let runs: Vec<(Family, u64)> = args
            .families
            .iter()
            .flat_map(|&f| (1..=args.seeds).map(move |s| (f, s)))
            .collect();
        let next = AtomicUsize::new(0);
        let done: Mutex<Vec<Finished>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..args.jobs.min(runs.len()) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(family, seed)) = runs.get(i) else {
                        break;
                    };
                    let mut run = p.training(family, seed).expect("preset model");
                    run.settings.steps = steps;
                    let start = Instant::now();
                    run.advance(steps);
                    let acc = run.evaluate().accuracy;
                    let seconds = start.elapsed().as_secs_f64();
                    println!("heldout {} {} seed={seed} acc={acc:.3}", p.id, family.id());
                    let params = run.model.parameter_count();
                    if let Ok(mut d) = done.lock() {
                        d.push((family, seed, acc, params, seconds));
                    }
                });
            }
        });
        let done = done.into_inner().unwrap_or_default();
        let mut rows = Vec::new();
        for &family in &args.families {
            let mine: Vec<_> = done.iter().filter(|r| r.0 == family).collect();
            let mut accs: Vec<f32> = mine.iter().map(|r| r.2).collect();
            let params = mine.first().map_or(0, |r| r.3);
            let seconds: f64 = mine.iter().map(|r| r.4).sum();
            accs.sort_by(f32::total_cmp);
            let m = p.model(family);
            let state = m
                .state_size()
                .map_or_else(|| "–".to_string(), |s| s.to_string());
            rows.push(format!(
                "| {} | {params} | {state} | {:.0}% | {:.0}–{:.0}% | {:.0} |",
                family.id(),
                100.0 * median(&accs),
                100.0 * accs.first().copied().unwrap_or(f32::NAN),
                100.0 * accs.last().copied().unwrap_or(f32::NAN),
                seconds / mine.len().max(1) as f64
            ));
        }
        println!(
            "\n| {} | parameters | state | median | range | s per run |\n| --- | --- | --- | --- | --- | --- |",
            p.id
        );
        for r in rows {
            println!("{r}");
        }
        println!();
    }
}
