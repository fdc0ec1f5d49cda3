//! The `reprint` binary: parse the command line, validate it into a configuration, call the
//! library, write the outputs, and turn the outcome into an exit status.

mod cli;

use anyhow::{bail, Context, Result};
use clap::Parser;
use cli::{
    CandidatesArg, Cli, ClusterArgs, Command, CompareArgs, DedupArgs, EvalArgs, IndexOptions, InputOptions,
    MatchOptions, MethodArg, NormalizeArg, OnErrorArg, PipelineOptions, RunOptions,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reprint::corpus::{self, CorpusConfig, Input, RawDoc};
use reprint::dedup;
use reprint::normalize::Profile;
use reprint::overlap::PassageConfig;
use reprint::pipeline::{self, CandidateMode, Method, OnError, Params, PassageParams, Progress, RunResult};
use reprint::report::manifest::{InputInfo, Manifest, OutputFile};
use reprint::report::{self, ClusterReport};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

/// Appends a formatted line to a String (writing to a String cannot fail).
macro_rules! outln {
    ($o:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($arg)*);
    }};
}

/// Writes to stdout; a closed pipe (`reprint ... | head`) is not an error.
fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Exit status of `dedup --check` when duplicates were found.
const EXIT_DUPLICATES: u8 = 1;
/// Exit status when the run completed but some records were skipped.
const EXIT_SKIPPED: u8 = 3;
/// Exit status on an error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Cluster(args) => cluster(args),
        Command::Compare(args) => compare(args),
        Command::Dedup(args) => dedup(args),
        Command::Eval(args) => eval(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("reprint: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn corpus_config(input: &InputOptions) -> CorpusConfig {
    CorpusConfig {
        id_field: input.id_field.clone(),
        text_field: input.text_field.clone(),
        extensions: input
            .ext
            .iter()
            .map(|e| e.trim().trim_start_matches('.').to_lowercase())
            .filter(|e| !e.is_empty())
            .collect(),
        max_doc_bytes: input.max_doc_bytes,
        key_field: None,
    }
}

fn pipeline_params(o: &PipelineOptions) -> Result<Params> {
    params(&o.matching, Some(&o.index), &o.input)
}

fn params(m: &MatchOptions, index: Option<&IndexOptions>, input: &InputOptions) -> Result<Params> {
    let defaults = Params::default();
    let mut p = Params {
        corpus: corpus_config(input),
        normalize: match m.normalize {
            NormalizeArg::Default => Profile::Default,
            NormalizeArg::None => Profile::None,
        },
        shingle: m.shingle,
        threshold: m.threshold,
        seed: m.seed,
        on_error: match input.on_error {
            OnErrorArg::Skip => OnError::Skip,
            OnErrorArg::Fail => OnError::Fail,
        },
        passages: (!m.no_passages).then_some(PassageParams {
            rule: PassageConfig {
                min_passage: m.min_passage,
                min_coverage: m.min_coverage,
                max_gap: m.max_gap,
                ..PassageConfig::default()
            },
            window: m.winnow_window,
            max_df: m.max_df,
            min_shared: m.min_shared,
        }),
        ..defaults
    };
    if let Some(ix) = index {
        p.method = match ix.method {
            MethodArg::Minhash => Method::Minhash,
            MethodArg::Simhash => Method::Simhash,
        };
        p.candidates = match ix.candidates {
            CandidatesArg::Lsh => CandidateMode::Lsh,
            CandidatesArg::Exact => CandidateMode::Exact,
            CandidatesArg::Identical => CandidateMode::Identical,
        };
        p.num_perm = ix.num_perm;
        p.bands = ix.bands;
        p.rows = ix.rows;
        p.max_hamming = ix.max_hamming;
        let (policy, field) = match ix.keep.split_once(':') {
            Some((policy, field)) => (policy, Some(field.to_owned())),
            None => (ix.keep.as_str(), None),
        };
        p.keep = policy.parse().map_err(|e: String| anyhow::anyhow!("--keep: {e}"))?;
        p.corpus.key_field = field.filter(|f| !f.is_empty());
        p.cluster = ix.cluster.parse().map_err(anyhow::Error::msg)?;
    }
    Ok(p)
}

fn inputs(args: &[String]) -> Result<(Vec<Input>, Vec<String>)> {
    let names: Vec<String> = if args.is_empty() {
        if !Path::new("seeds").is_dir() {
            bail!("no INPUT given and no seeds/ directory here: pass a directory of .txt files, a .jsonl(.gz) file, or - for stdin");
        }
        vec!["seeds".to_owned()]
    } else {
        args.to_vec()
    };
    if names.iter().filter(|n| *n == "-").count() > 1 {
        bail!("standard input (-) can be given only once");
    }
    let inputs = names.iter().map(|n| Input::from_arg(n)).collect::<Result<Vec<_>, _>>()?;
    Ok((inputs, names))
}

fn prepare_out_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!("--out {}: exists and is not a directory", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("--out {}: cannot create directory", dir.display()))
}

fn set_threads(run: &RunOptions) -> Result<()> {
    if let Some(n) = run.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("--threads: cannot start the thread pool")?;
    }
    Ok(())
}

fn cluster(args: ClusterArgs) -> Result<u8> {
    let config = pipeline_params(&args.pipeline)?.resolve()?;
    set_threads(&args.run)?;
    let (inputs, names) = inputs(&args.inputs)?;
    prepare_out_dir(&args.out)?;
    let manifest_path = start_manifest(&args.out)?;
    let progress = Bars::new(args.run.quiet);
    let started = Instant::now();
    let run = pipeline::run(inputs.clone(), &config, &progress)?;
    let report = ClusterReport::new(&run, names.clone());
    let mut written = Vec::new();
    write_output(&args.out.join("clusters.json"), &report.to_json(), &mut written)?;
    if !args.no_html {
        let page =
            report::html::render(&run, &names, report::html::HtmlLimits { max_pairs: args.html_max_pairs });
        write_output(&args.out.join("overlap.html"), page.as_bytes(), &mut written)?;
    }
    let manifest = manifest_bytes(&manifest_struct(
        "cluster",
        &run,
        &inputs,
        &names,
        &config.corpus,
        started,
        &written,
    )?);
    write_output(&manifest_path, &manifest, &mut written)?;
    report_skipped(&run.skipped);
    if !args.run.quiet {
        print_summary(&run, &names, &written, started.elapsed().as_secs_f64());
    }
    Ok(if run.skipped.is_empty() { 0 } else { EXIT_SKIPPED })
}

fn dedup(args: DedupArgs) -> Result<u8> {
    let config = pipeline_params(&args.pipeline)?.resolve()?;
    set_threads(&args.run)?;
    if args.inputs.iter().chain(&args.against).any(|i| i == "-") {
        bail!("dedup reads its inputs twice (to copy kept records byte for byte): save standard input to a file first");
    }
    let (mut inputs, mut names) = inputs(&args.inputs)?;
    let only_inputs = inputs.len();
    if !args.against.is_empty() {
        let (refs, ref_names) = self::inputs(&args.against)?;
        inputs.extend(refs);
        names.extend(ref_names);
    }
    prepare_out_dir(&args.out)?;
    if let Some(dir) = &args.copy_to {
        prepare_out_dir(dir).context("--copy-to")?;
    }
    let manifest_path = start_manifest(&args.out)?;
    let progress = Bars::new(args.run.quiet);
    let started = Instant::now();
    let run = pipeline::run(inputs.clone(), &config, &progress)?;
    let t = Instant::now();
    let plan = if args.against.is_empty() {
        dedup::plan(&run)
    } else {
        let is_ref: Vec<bool> = run.docs.iter().map(|d| d.origin.input >= only_inputs).collect();
        dedup::plan_against(&run, &is_ref)
    };
    let out = dedup::DedupOutput {
        dir: &args.out,
        inputs: &inputs,
        annotate: args.annotate,
        copy_to: args.copy_to.as_deref(),
    };
    let files = dedup::write_outputs(&run, &plan, &out, only_inputs)?;
    let mut written: Vec<std::path::PathBuf> = files.iter().map(|w| w.file.clone().into()).collect();
    let mut m = manifest_struct("dedup", &run, &inputs, &names, &config.corpus, started, &written)?;
    m.timings_ms.insert("write".to_owned(), t.elapsed().as_secs_f64() * 1e3);
    let considered = run.docs.iter().filter(|d| d.origin.input < only_inputs).count();
    m.counts.removed = Some(plan.removed.len());
    m.counts.kept = Some(considered - plan.removed.len());
    let bytes = manifest_bytes(&m);
    write_output(&manifest_path, &bytes, &mut written)?;
    report_skipped(&run.skipped);
    if !args.run.quiet {
        let mut o = String::new();
        outln!(
            o,
            "reprint {}: {} documents read, {} removed as duplicates, {} kept{}",
            env!("CARGO_PKG_VERSION"),
            considered,
            plan.removed.len(),
            considered - plan.removed.len(),
            if args.against.is_empty() {
                String::new()
            } else {
                format!(" (against {} reference documents)", run.docs.len() - considered)
            }
        );
        let w: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        outln!(o, "  time  {:.2} s\n  wrote {}", started.elapsed().as_secs_f64(), w.join(", "));
        emit(&o);
    }
    Ok(if args.check && !plan.removed.is_empty() {
        EXIT_DUPLICATES
    } else if !run.skipped.is_empty() {
        EXIT_SKIPPED
    } else {
        0
    })
}

/// Names of the files reprint writes into an output directory.
const OUTPUT_NAMES: [&str; 8] = [
    "clusters.json",
    "overlap.html",
    "manifest.json",
    "kept.jsonl",
    "kept.jsonl.gz",
    "annotated.jsonl",
    "annotated.jsonl.gz",
    "removed.jsonl",
];

/// Deletes an old manifest before a run starts, so that a manifest in the directory always
/// belongs to a completed run, and the hidden temporary files a killed run left behind.
fn start_manifest(dir: &Path) -> Result<std::path::PathBuf> {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let stale = name.ends_with(".tmp")
                && OUTPUT_NAMES
                    .iter()
                    .chain(["kept.txt"].iter())
                    .any(|o| name.starts_with(&format!(".{o}.")));
            if stale {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let path = dir.join("manifest.json");
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot remove the old {}", path.display())),
    }
    Ok(path)
}

fn write_output(path: &Path, bytes: &[u8], written: &mut Vec<std::path::PathBuf>) -> Result<()> {
    report::write_atomically(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path.to_path_buf());
    Ok(())
}

fn manifest_struct(
    command: &str,
    run: &RunResult,
    inputs: &[Input],
    names: &[String],
    corpus_config: &CorpusConfig,
    started: Instant,
    written: &[std::path::PathBuf],
) -> Result<Manifest> {
    let infos = inputs
        .iter()
        .zip(names)
        .map(|(input, name)| {
            let sum = corpus::checksum(input, corpus_config)?;
            Ok(InputInfo {
                name: name.clone(),
                kind: match input {
                    Input::Dir(_) => "directory",
                    Input::Jsonl(_) => "jsonl",
                    Input::TextFile(_) => "text",
                    Input::Stdin => "stdin",
                },
                bytes: sum.map(|s| s.0),
                xxh3: sum.map(|s| format!("{:016x}", s.1)),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut m = Manifest::new(command, run, infos);
    m.wall_ms = started.elapsed().as_secs_f64() * 1e3;
    m.peak_rss_bytes = peak_rss_bytes();
    m.outputs = written
        .iter()
        .map(|p| OutputFile {
            file: p.display().to_string(),
            bytes: std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        })
        .collect();
    Ok(m)
}

fn manifest_bytes(m: &Manifest) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(m).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Peak resident set size of this process (Linux: VmHWM in /proc/self/status).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn eval(args: EvalArgs) -> Result<u8> {
    use reprint::eval::{self as ev, SweepAxis};
    set_threads(&args.run)?;
    let base = pipeline_params(&args.pipeline)?;
    let base_config = base.resolve()?;
    let axes: Vec<SweepAxis> = args
        .sweep
        .iter()
        .map(|s| s.parse::<SweepAxis>().map_err(|e| anyhow::anyhow!("--sweep: {e}")))
        .collect::<Result<_>>()?;
    let labels = args.labels.as_deref().map(ev::read_labels).transpose()?;
    let pairs = args.pairs.as_deref().map(ev::read_pairs).transpose()?;
    prepare_out_dir(&args.out)?;
    let started = Instant::now();

    if let Some(clusters_path) = &args.clusters {
        let Some(labels) = &labels else { bail!("--clusters needs --labels (or --pairs) to score against") };
        return eval_clusters_file(&args, clusters_path, labels, pairs.as_deref());
    }
    if args.inputs.is_empty() {
        bail!("reprint eval needs an INPUT corpus to run on (or --clusters FILE with --labels)");
    }
    if labels.is_none() && pairs.is_none() && !args.exact {
        bail!("nothing to measure: give --labels, --pairs or --exact");
    }
    let (inputs, names) = inputs(&args.inputs)?;
    let progress = Bars::new(args.run.quiet);
    let quiet = args.run.quiet;
    let result = ev::sweep(
        &base,
        &axes,
        &inputs,
        ev::Truth { labels: labels.as_ref(), pairs: pairs.as_deref() },
        args.exact,
        &progress,
        &mut |f| {
            if !quiet {
                emit(&format!("{}\n", report::terminal::eval_line(f)));
            }
        },
    )?;
    let rows = &result.rows;

    // Outputs: eval.json, eval.csv, plots.
    let mut written = Vec::new();
    let infos = inputs
        .iter()
        .zip(&names)
        .map(|(i, n)| {
            let sum = corpus::checksum(i, &base_config.corpus)?;
            Ok(serde_json::json!({"name": n, "bytes": sum.map(|s| s.0), "xxh3": sum.map(|s| format!("{:016x}", s.1))}))
        })
        .collect::<Result<Vec<_>>>()?;
    let file_sum = |p: &Option<std::path::PathBuf>| -> Result<serde_json::Value> {
        Ok(match p {
            None => serde_json::Value::Null,
            Some(p) => {
                let sum = corpus::checksum(&Input::TextFile(p.clone()), &base_config.corpus)?;
                serde_json::json!({"name": p.display().to_string(), "xxh3": sum.map(|s| format!("{:016x}", s.1))})
            }
        })
    };
    let doc = serde_json::json!({
        "schema_version": report::SCHEMA_VERSION,
        "tool": report::json::Tool::current(),
        "command": "eval",
        "params": report::json::ParamsReport::new(&base_config),
        "sweep": axes.iter().map(|a| serde_json::json!({"name": a.name, "values": a.values})).collect::<Vec<_>>(),
        "inputs": infos,
        "labels": file_sum(&args.labels)?,
        "pairs": file_sum(&args.pairs)?,
        "rows": rows,
        "candidate_rate_by_jaccard": result.candidate_rate.as_ref().map(|c| serde_json::json!({
            "bands": c.banding.bands, "rows": c.banding.rows,
            "bins": c.bins.iter().map(|&(lo, hi, n, k)| serde_json::json!({
                "lo": lo, "hi": hi, "pairs": n, "proposed": k,
                "s_curve": c.banding.probability((lo + hi) / 2.0)})).collect::<Vec<_>>()
        })),
    });
    let mut json = serde_json::to_vec_pretty(&doc)?;
    json.push(b'\n');
    write_output(&args.out.join("eval.json"), &json, &mut written)?;
    write_output(&args.out.join("eval.csv"), ev::to_csv(rows).as_bytes(), &mut written)?;
    for (name, svg) in report::svg::eval_plots(rows, &axes, result.candidate_rate.as_ref()) {
        write_output(&args.out.join(name), svg.as_bytes(), &mut written)?;
    }
    if !args.run.quiet {
        let w: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        emit(&format!("  time  {:.2} s\n  wrote {}\n", started.elapsed().as_secs_f64(), w.join(", ")));
    }
    Ok(0)
}

fn eval_clusters_file(
    args: &EvalArgs,
    path: &Path,
    labels: &std::collections::HashMap<String, String>,
    pairs: Option<&[reprint::eval::LabelledPair]>,
) -> Result<u8> {
    use reprint::eval as ev;
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
    )
    .with_context(|| format!("{} is not JSON", path.display()))?;
    let clusters =
        report["clusters"].as_array().with_context(|| format!("{}: no `clusters` array", path.display()))?;
    let mut cluster_of: std::collections::HashMap<String, usize> = Default::default();
    for (k, c) in clusters.iter().enumerate() {
        for m in c["members"].as_array().into_iter().flatten() {
            if let Some(id) = m.as_str() {
                cluster_of.insert(id.to_owned(), k + 1);
            }
        }
    }
    // The universe: the corpus when given, else every labelled or clustered id.
    let mut ids: Vec<String> = if args.inputs.is_empty() {
        labels.keys().chain(cluster_of.keys()).cloned().collect()
    } else {
        let (inputs, _) = inputs(&args.inputs)?;
        corpus::read_all(inputs, &corpus_config(&args.pipeline.input))?.0.into_iter().map(|d| d.id).collect()
    };
    ids.sort();
    ids.dedup();
    let truth: Vec<&str> = ids.iter().map(|id| labels.get(id).map(String::as_str).unwrap_or(id)).collect();
    let base = clusters.len() + 1;
    let predicted: Vec<usize> =
        ids.iter().enumerate().map(|(i, id)| cluster_of.get(id).copied().unwrap_or(base + i)).collect();
    let a = ev::agreement(&truth, &predicted);
    let mut o = String::new();
    outln!(
        o,
        "{}: {} documents; P {:.4} R {:.4} F1 {:.4} ARI {:.4} NMI {:.4}",
        path.display(),
        a.documents,
        a.precision,
        a.recall,
        a.f1,
        a.ari,
        a.nmi
    );
    let outcome = pairs.map(|pairs| {
        let map: std::collections::HashMap<&str, usize> =
            ids.iter().zip(&predicted).map(|(id, &c)| (id.as_str(), c)).collect();
        ev::pair_outcome(pairs, &map, |p| p.jaccard, &ev::PAIR_BANDS)
    });
    if let Some(p) = &outcome {
        outln!(
            o,
            "true pairs together {}/{}, negatives merged {}/{}",
            p.true_pairs_together,
            p.true_pairs,
            p.negative_pairs_merged,
            p.negative_pairs
        );
    }
    let doc = serde_json::json!({
        "schema_version": report::SCHEMA_VERSION,
        "tool": report::json::Tool::current(),
        "command": "eval",
        "clusters": path.display().to_string(),
        "labels": args.labels.as_ref().map(|p| p.display().to_string()),
        "agreement": a,
        "pairs": outcome,
    });
    let mut json = serde_json::to_vec_pretty(&doc)?;
    json.push(b'\n');
    let mut written = Vec::new();
    write_output(&args.out.join("eval.json"), &json, &mut written)?;
    if !args.run.quiet {
        emit(&o);
    }
    Ok(0)
}

/// Loads the two documents of `reprint compare`: ids in `--in` inputs, or two files.
fn compare_docs(args: &CompareArgs, config: &CorpusConfig) -> Result<[RawDoc; 2]> {
    if args.corpus.is_empty() {
        let load = |arg: &str| -> Result<RawDoc> {
            let input = Input::TextFile(arg.into());
            if !Path::new(arg).is_file() {
                bail!("{arg}: no such file (to compare documents of a corpus by id, name it with --in)");
            }
            let (mut docs, skipped) = corpus::read_all(vec![input], config)?;
            if let Some(s) = skipped.first() {
                bail!("{}: {}", s.source, s.reason);
            }
            docs.pop().with_context(|| format!("{arg}: nothing read"))
        };
        return Ok([load(&args.a)?, load(&args.b)?]);
    }
    let (inputs, names) = inputs(&args.corpus)?;
    let (docs, _) = corpus::read_all(inputs, config)?;
    let find = |id: &str| -> Result<RawDoc> {
        docs.iter()
            .find(|d| d.id == id)
            .cloned()
            .with_context(|| format!("no document with id `{id}` in {}", names.join(", ")))
    };
    Ok([find(&args.a)?, find(&args.b)?])
}

fn compare(args: CompareArgs) -> Result<u8> {
    let config = params(&args.matching, None, &args.input)?.resolve()?;
    let [a, b] = compare_docs(&args, &config.corpus)?;
    let cmp = pipeline::compare(&a.text, &b.text, &config);
    if args.json {
        let json = report::json::comparison_json(&a, &b, &cmp, &config);
        emit(&format!("{}\n", serde_json::to_string_pretty(&json)?));
    } else {
        let width = args
            .width
            .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
            .unwrap_or(100)
            .max(40);
        emit(&report::terminal::comparison(&a, &b, &cmp, &config, width));
    }
    Ok(if cmp.linked_by.is_some() { 0 } else { 1 })
}

fn report_skipped(skipped: &[reprint::corpus::Skipped]) {
    const SHOWN: usize = 20;
    for s in skipped.iter().take(SHOWN) {
        let line = s.line.map(|l| format!(":{l}")).unwrap_or_default();
        eprintln!("reprint: skipped {}{line}: {}", s.source, s.reason);
    }
    if skipped.len() > SHOWN {
        eprintln!(
            "reprint: ... and {} more skipped records (all listed in clusters.json)",
            skipped.len() - SHOWN
        );
    }
}

fn print_summary(run: &RunResult, names: &[String], written: &[std::path::PathBuf], secs: f64) {
    let mut o = String::new();
    let s = &run.stats;
    let c = &run.config;
    let how = match (c.candidates, c.method, c.banding, c.max_hamming) {
        (CandidateMode::Exact, ..) => "exact prefix-filtered join".to_owned(),
        (CandidateMode::Identical, ..) => "byte-identical texts".to_owned(),
        (_, Method::Minhash, Some(b), _) => format!("MinHash LSH, {} bands x {} rows", b.bands, b.rows),
        (_, Method::Simhash, _, Some(k)) => format!("SimHash, Hamming <= {k}"),
        _ => "LSH".to_owned(),
    };
    let mb = s.input_bytes as f64 / 1e6;
    outln!(
        o,
        "reprint {}: {} documents ({} empty, {} skipped), {:.1} MB from {}",
        env!("CARGO_PKG_VERSION"),
        s.documents,
        s.empty_documents,
        s.skipped,
        mb,
        names.join(", ")
    );
    outln!(o, "  candidates {:>10} pairs  ({how}, {} shingles)", s.candidate_pairs, c.shingle);
    outln!(o, "  verified   {:>10} pairs  (Jaccard >= {})", s.verified_pairs, c.threshold);
    if let Some(p) = &c.passages {
        outln!(o,
            "  passages   {:>10} pairs  (shared passages of {}+ words covering {}+ of the shorter document; {} pairs aligned)",
            s.passage_links, p.rule.min_passage, p.rule.min_coverage, s.passage_candidates
        );
    }
    outln!(
        o,
        "  clusters   {:>10}        ({} documents in clusters, {} singletons)",
        s.clusters,
        s.clustered_documents,
        s.documents - s.empty_documents - s.clustered_documents
    );
    let stages: Vec<String> =
        s.timings.iter().map(|(name, d)| format!("{name} {:.2} s", d.as_secs_f64())).collect();
    outln!(o, "  time       {secs:>10.2} s      ({})", stages.join(", "));
    let written: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    outln!(o, "  wrote      {}", written.join(", "));
    emit(&o);
}

/// Progress bars on stderr; hidden when stderr is not a terminal or with --quiet.
struct Bars {
    bar: Mutex<Option<ProgressBar>>,
    hidden: bool,
}

impl Bars {
    fn new(quiet: bool) -> Self {
        Bars { bar: Mutex::new(None), hidden: quiet || !std::io::stderr().is_terminal() }
    }
}

impl Progress for Bars {
    fn start(&self, stage: &'static str, total: Option<u64>, unit: &'static str) {
        if self.hidden {
            return;
        }
        let bar = match total {
            Some(t) => ProgressBar::new(t),
            None => ProgressBar::new_spinner(),
        };
        bar.set_draw_target(ProgressDrawTarget::stderr());
        let template = match (total, unit) {
            (Some(_), "bytes") => "{prefix:>12} [{bar:30}] {bytes}/{total_bytes} ({eta})",
            (Some(_), _) => "{prefix:>12} [{bar:30}] {pos}/{len} ({eta})",
            (None, _) => "{prefix:>12} {spinner} {elapsed}",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(stage);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn set(&self, done: u64) {
        if let Ok(slot) = self.bar.lock() {
            if let Some(bar) = slot.as_ref() {
                bar.set_position(done);
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.bar.lock() {
            if let Some(bar) = slot.take() {
                bar.finish_and_clear();
            }
        }
    }
}
