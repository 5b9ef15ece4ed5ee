//! The three targets, rendered from one plan: per machine a `user-data.sh` and a
//! `cloud-config.yaml`, and one CloudFormation `stack.json`. Each step is one
//! shell function rendered once (`targets/step.sh.tera`) and placed by each target.

pub mod bundle;
pub mod cloudformation;
pub mod handoff;
pub mod settings_file;
pub mod write;

use crate::diagnostic::Diagnostic;
use crate::files::Root;
use crate::plan::{sh_quote, Delivery, Node, Plan, PuppetSource, Step};
use base64::Engine as _;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// EC2's limit on user data (before base64).
pub const USER_DATA_LIMIT: usize = 16_384;
/// CloudFormation's limit on a template body passed inline.
pub const TEMPLATE_BODY_LIMIT: usize = 51_200;

/// Which artifacts to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    UserData,
    CloudInit,
    CloudFormation,
    All,
}

/// The folder a machine's artifacts go in: the one place a Vagrant machine's
/// name becomes a file name. Vagrant's names may hold `/`, `:`, `..` or
/// start with a dot; anything but letters, digits, `-`, `_` and `.` becomes
/// `_`, and a leading dot is escaped, so the folder is always one plain
/// component under `--out`.
pub fn machine_dir(name: &str) -> String {
    let mut dir: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if dir.is_empty() || dir.starts_with('.') {
        dir.insert(0, '_');
    }
    dir
}

/// Rendered artifacts: relative path -> content, in a stable order.
pub type Artifacts = BTreeMap<String, Vec<u8>>;

/// The templates (compiled into the binary), or why they failed to load.
fn tera() -> &'static Result<tera::Tera, String> {
    static T: OnceLock<Result<tera::Tera, String>> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![]);
        t.add_raw_templates(vec![
            ("lib.sh", include_str!("../../targets/lib.sh.tera")),
            ("step.sh", include_str!("../../targets/step.sh.tera")),
            ("cloud-step.sh", include_str!("../../targets/cloud-step.sh.tera")),
            ("user-data.sh", include_str!("../../targets/user-data.sh.tera")),
            (
                "cloud-config.yaml",
                include_str!("../../targets/cloud-config.yaml.tera"),
            ),
            (
                "handoff-README.md",
                include_str!("../../targets/handoff-README.md.tera"),
            ),
            ("newest-ami.sh", include_str!("../../targets/newest-ami.sh.tera")),
            ("code-bucket.sh", include_str!("../../targets/code-bucket.sh.tera")),
            ("deploy-stack.sh", include_str!("../../targets/deploy-stack.sh.tera")),
            ("destroy.sh", include_str!("../../targets/destroy.sh.tera")),
            ("run-instances.sh", include_str!("../../targets/run-instances.sh.tera")),
        ])
        .map_err(|e| error_chain(&e))?;
        t.register_filter(
            "sh",
            |v: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
                let s = match v {
                    tera::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Ok(tera::Value::String(sh_quote(&s)))
            },
        );
        t.register_filter(
            "shq",
            |v: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
                let s = match v {
                    tera::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Ok(tera::Value::String(format!("'{}'", s.replace('\'', "'\\''"))))
            },
        );
        Ok(t)
    })
}

fn error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

fn render(name: &str, ctx: &tera::Context) -> Result<String, Box<Diagnostic>> {
    let fail = |msg: String| {
        Box::new(Diagnostic::error(
            "internal-error",
            name,
            None,
            format!("template failed: {msg}"),
        ))
    };
    let t = tera().as_ref().map_err(|e| fail(e.clone()))?;
    t.render(name, ctx).map_err(|e| fail(error_chain(&e)))
}

struct NodeParts {
    lib: String,
    /// Step functions with their run line, per target flavour.
    steps_inline_archive: Vec<String>,
    steps_staged_archive: Vec<String>,
}

fn node_parts(plan: &Plan, node: &Node, archive_b64: &str) -> Result<NodeParts, Box<Diagnostic>> {
    let mut ctx = tera::Context::new();
    ctx.insert("code", plan.delivery.path());
    ctx.insert("login_user", &node.image.login_user);
    ctx.insert("family", &node.image.family);
    ctx.insert(
        "puppetmaster",
        &node.steps.iter().any(|s| {
            matches!(
                s,
                Step::StartPuppetServer { .. } | Step::PuppetAgent { enrolled: true, .. }
            )
        }),
    );
    // Which steps read a secret from SSM: the git deploy key, the autosign challenge.
    ctx.insert(
        "ssm",
        &node.steps.iter().any(|s| match s {
            Step::FetchCode => matches!(
                plan.delivery,
                Delivery::Git {
                    key_parameter: Some(_),
                    ..
                }
            ),
            Step::StartPuppetServer { .. } | Step::EnrollAgent { .. } => true,
            _ => false,
        }),
    );
    let lib = render("lib.sh", &ctx)?;
    let mut inline = Vec::new();
    let mut staged = Vec::new();
    for (i, step) in node.steps.iter().enumerate() {
        let mut c = tera::Context::new();
        c.insert("n", &(i + 1));
        c.insert("step", step);
        c.insert("label", &step.label(&plan.delivery));
        c.insert("delivery", &plan.delivery);
        c.insert("family", &node.image.family);
        c.insert("archive", &wrap(archive_b64, 76));
        c.insert("inline_archive", &true);
        inline.push(render("step.sh", &c)?);
        c.insert("inline_archive", &false);
        staged.push(render("step.sh", &c)?);
    }
    Ok(NodeParts {
        lib,
        steps_inline_archive: inline,
        steps_staged_archive: staged,
    })
}

fn wrap(s: &str, width: usize) -> String {
    s.as_bytes()
        .chunks(width)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The user-data script of a node.
fn user_data(plan: &Plan, node: &Node, parts: &NodeParts) -> Result<String, Box<Diagnostic>> {
    let mut ctx = tera::Context::new();
    ctx.insert("plan", plan);
    ctx.insert("node", node);
    ctx.insert("lib", &parts.lib);
    ctx.insert("steps", &parts.steps_inline_archive);
    render("user-data.sh", &ctx)
}

/// The cloud-config of a node.
fn cloud_config(plan: &Plan, node: &Node, parts: &NodeParts, archive_b64: &str) -> Result<String, Box<Diagnostic>> {
    // Each step a script of its own that cloud-init runs once per instance, in name order
    // (numbers padded so that the names sort as the steps do).
    let width = node.steps.len().to_string().len().max(2);
    let mut files = Vec::new();
    for (i, (step, body)) in node.steps.iter().zip(parts.steps_staged_archive.iter()).enumerate() {
        let mut c = tera::Context::new();
        c.insert("n", &(i + 1));
        c.insert("node", &node.name);
        c.insert("kind", step.kind());
        if i > 0 {
            c.insert("previous", &json!({"n": i, "kind": node.steps[i - 1].kind()}));
        }
        c.insert("body", body);
        files.push(json!({
            "path": format!("/var/lib/cloud/scripts/per-instance/puppetlift-{:0width$}-{}.sh", i + 1, step.kind()),
            "content": render("cloud-step.sh", &c)?,
        }));
    }
    // Distribution packages are cloud-init's own job; the step then finds puppet installed.
    let os_packages: Vec<&str> = node
        .steps
        .iter()
        .flat_map(|s| match s {
            Step::InstallPuppet {
                source: PuppetSource::Os,
                ..
            } => &["puppet-agent"][..],
            Step::InstallPuppetServer {
                source: PuppetSource::Os,
                ..
            } => &["puppetserver", "ruby"][..],
            _ => &[][..],
        })
        .copied()
        .collect();
    let archive = match (&plan.delivery, node.steps.iter().any(|s| matches!(s, Step::FetchCode))) {
        (Delivery::Embed { .. }, true) => archive_b64.to_string(),
        _ => String::new(),
    };
    let mut ctx = tera::Context::new();
    ctx.insert("plan", plan);
    ctx.insert("node", node);
    ctx.insert("lib", &parts.lib);
    ctx.insert("step_files", &files);
    ctx.insert("os_packages", &os_packages);
    ctx.insert("archive", &archive);
    render("cloud-config.yaml", &ctx)
}

/// Render the artifacts of `plan` (project files read from `dir`).
pub fn render_all(plan: &Plan, root: &Root, target: Target) -> (Artifacts, Vec<Diagnostic>) {
    match bundle::archive(root, &plan.bundle) {
        Ok(archive) => render_with(plan, &archive, target),
        Err(d) => (Artifacts::new(), vec![*d]),
    }
}

/// The embedded code of a plan, measured: the archive, and why the artifacts
/// do not fit in EC2's user data as they travel (none when they all fit).
pub struct Measured {
    pub archive: Vec<u8>,
    pub overflow: Option<String>,
}

/// Render `plan` with its code embedded, as `delivery.mode = "auto"` first
/// tries, and measure every artifact as it travels ([`size_finding`]).
pub fn measure_embedded(plan: &Plan, root: &Root) -> Result<Measured, Box<Diagnostic>> {
    let archive = bundle::archive(root, &plan.bundle)?;
    let embedded = Plan {
        delivery: Delivery::Embed {
            path: plan.delivery.path().to_string(),
        },
        ..plan.clone()
    };
    let (_, diags) = render_with(&embedded, &archive, Target::All);
    let overflow = diags
        .into_iter()
        .find(|d| d.code == "user-data-too-large")
        .map(|d| d.message);
    Ok(Measured { archive, overflow })
}

/// gzip as the launch scripts do it (`gzip -9 -n`: best compression, no name or time).
fn gzip_len(data: &[u8]) -> usize {
    use std::io::Write;
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    match gz.write_all(data).and_then(|()| gz.finish()) {
        Ok(v) => v.len(),
        Err(_) => data.len(),
    }
}

/// EC2's limit, applied to each artifact as it reaches EC2:
/// - the stack's `UserData` is text inside the JSON template (`Fn::Base64` of
///   a string, with `Fn::Sub` references in it), so CloudFormation cannot
///   carry it gzip'd: it is measured as the plain script;
/// - `user-data.sh` is handed over gzip'd by `run-instances.sh`
///   (`--user-data fileb://…gz`), and `cloud-config.yaml` is meant to be;
///   cloud-init, which every image puppetlift targets boots with, unpacks
///   gzip'd user data first (cloud-init docs, "User-Data Formats": gzip
///   compressed content), so both are measured gzip'd.
fn size_finding(plan: &Plan, node: &Node, dir: &str, artifact: &str, text: &str) -> Option<Diagnostic> {
    let (file, size) = match artifact {
        "stack.json" => ("stack.json".to_string(), text.len()),
        "user-data.sh" => (format!("{dir}/user-data.sh"), gzip_len(text.as_bytes())),
        _ => (format!("{dir}/cloud-config.yaml"), gzip_len(text.as_bytes())),
    };
    if size <= USER_DATA_LIMIT {
        return None;
    }
    let what = match artifact {
        "stack.json" => {
            format!("its user data in the stack is {size} bytes (CloudFormation carries it as text, never gzip'd)")
        }
        "user-data.sh" => format!("user-data.sh is {size} bytes gzip'd (as run-instances.sh hands it over)"),
        _ => format!("cloud-config.yaml is {size} bytes gzip'd (cloud-init unpacks gzip'd user data)"),
    };
    let help = match plan.delivery {
        Delivery::Embed { .. } => "the embedded code makes it large: set `delivery.mode = \"auto\"` in puppetlift.toml (the code goes through S3 when it does not fit), or `\"git\"` or `\"s3\"`",
        _ => "the boot script is large without the code: move long inline shell provisioners into script files in the project (`path:`), which travel with the code",
    };
    Some(
        Diagnostic::error(
            "user-data-too-large",
            &file,
            None,
            format!("machine `{}`: {what}; EC2 accepts at most {USER_DATA_LIMIT}", node.name),
        )
        .with_help(help),
    )
}

/// Render the artifacts of `plan` around the code archive `archive`.
fn render_with(plan: &Plan, archive: &[u8], target: Target) -> (Artifacts, Vec<Diagnostic>) {
    let mut out = Artifacts::new();
    let mut diags = Vec::new();
    let b64 = match plan.delivery {
        Delivery::Embed { .. } => base64::engine::general_purpose::STANDARD.encode(archive),
        _ => String::new(),
    };
    if matches!(plan.delivery, Delivery::S3 { .. }) {
        out.insert("code.tar.gz".into(), archive.to_vec());
    }
    let mut scripts = Vec::new();
    let mut dirs: Vec<(String, &str)> = Vec::new();
    for node in &plan.nodes {
        let dir = machine_dir(&node.name);
        if let Some((_, other)) = dirs.iter().find(|(d, _)| *d == dir) {
            diags.push(
                Diagnostic::error(
                    "machine-name-clash",
                    &dir,
                    None,
                    format!(
                        "machines `{other}` and `{}` would both write their artifacts to `{dir}/`",
                        node.name
                    ),
                )
                .with_help("rename one of them in the Vagrantfile (letters, digits, `-`, `_` and `.` name a folder as they are)"),
            );
            continue;
        }
        dirs.push((dir.clone(), &node.name));
        // Each step is rendered once per node; both targets place the same text.
        let rendered = node_parts(plan, node, &b64).and_then(|parts| Ok((user_data(plan, node, &parts)?, parts)));
        let (ud, parts) = match rendered {
            Ok(r) => r,
            Err(d) => {
                diags.push(*d);
                continue;
            }
        };
        if matches!(target, Target::CloudFormation | Target::All) {
            diags.extend(size_finding(plan, node, &dir, "stack.json", &ud));
        }
        if matches!(target, Target::UserData | Target::All) {
            diags.extend(size_finding(plan, node, &dir, "user-data.sh", &ud));
            out.insert(format!("{dir}/user-data.sh"), ud.clone().into_bytes());
        }
        if matches!(target, Target::CloudInit | Target::All) {
            match cloud_config(plan, node, &parts, &b64) {
                Ok(cc) => {
                    diags.extend(size_finding(plan, node, &dir, "cloud-config.yaml", &cc));
                    out.insert(format!("{dir}/cloud-config.yaml"), cc.into_bytes());
                }
                Err(d) => diags.push(*d),
            }
        }
        scripts.push((node, ud));
    }
    if matches!(target, Target::CloudFormation | Target::All) {
        let template = cloudformation::template(plan, &scripts);
        let text = serde_json::to_string_pretty(&template).unwrap_or_default() + "\n";
        if text.len() > TEMPLATE_BODY_LIMIT {
            diags.push(
                Diagnostic::warning(
                    "template-too-large",
                    "stack.json",
                    None,
                    format!("the template is {} bytes; CloudFormation takes at most {TEMPLATE_BODY_LIMIT} inline", text.len()),
                )
                .with_help("upload it to S3: `aws cloudformation deploy --s3-bucket BUCKET ...`, or switch delivery to git or s3 to shrink the user data"),
            );
        }
        out.insert("stack.json".into(), text.into_bytes());
    }
    (out, diags)
}
