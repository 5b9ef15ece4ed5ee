//! VirtualBox memory/cpus -> an EC2 instance type, from `targets/instance-types.toml`.

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Deserialize)]
struct Row {
    #[serde(rename = "type")]
    name: String,
    memory_mib: i64,
    cpus: i64,
}

#[derive(Debug, Deserialize)]
struct Table {
    default: String,
    size: Vec<Row>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        toml::from_str(include_str!("../../targets/instance-types.toml")).unwrap_or(Table {
            default: "t3.small".into(),
            size: vec![],
        })
    })
}

/// The smallest listed type with at least this memory and these CPUs.
pub fn instance_type(memory_mib: Option<i64>, cpus: Option<i64>) -> String {
    let t = table();
    if memory_mib.is_none() && cpus.is_none() {
        return t.default.clone();
    }
    let (m, c) = (memory_mib.unwrap_or(0), cpus.unwrap_or(1));
    t.size
        .iter()
        .find(|r| r.memory_mib >= m && r.cpus >= c)
        .or(t.size.last())
        .map_or_else(|| t.default.clone(), |r| r.name.clone())
}
