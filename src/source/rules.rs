//! The rules of reading sources: each declared once here, with its id, severity and
//! documentation; the loader's diagnostics are made from these.

use crate::model::diagnostic::{Rule, Severity};

pub const SOURCE_READ: Rule = Rule {
    id: "source.read",
    severity: Severity::Error,
    module: "source",
    summary: "A file or folder cannot be read.",
    doc: "Reported with the operating system's reason; files over 16 MiB are refused.",
};

pub const SOURCE_ENCODING: Rule = Rule {
    id: "source.encoding",
    severity: Severity::Error,
    module: "source",
    summary: "A file is not UTF-8.",
    doc: "Sources must be UTF-8 (a byte-order mark is accepted and dropped). GBK files must be re-saved as UTF-8.",
};

pub const SOURCE_LAYOUT: Rule = Rule {
    id: "source.layout",
    severity: Severity::Error,
    module: "source",
    summary: "The content folder is laid out wrongly.",
    doc: "A unit folder without `unit.yaml`, an invalid folder name, a Markdown file without its YAML, a `kind` or `year` that contradicts the file name. Unrecognised files are warnings.",
};

pub const YAML_SYNTAX: Rule = Rule {
    id: "yaml.syntax",
    severity: Severity::Error,
    module: "source",
    summary: "The YAML cannot be parsed.",
    doc: "Including resource limits: nesting deeper than 64, alias bombs and documents over the node budget end with this error instead of exhausting memory.",
};

pub const YAML_UNKNOWN_KEY: Rule = Rule {
    id: "yaml.unknown-key",
    severity: Severity::Error,
    module: "source",
    summary: "A key that the format does not have (a typo).",
    doc: "Every struct of the format denies unknown keys; the message lists the keys allowed at that place.",
};

pub const YAML_DUPLICATE_KEY: Rule = Rule {
    id: "yaml.duplicate-key",
    severity: Severity::Error,
    module: "source",
    summary: "The same key twice in one mapping.",
    doc: "Reported at the repeated key.",
};

pub const YAML_TYPE: Rule = Rule {
    id: "yaml.type",
    severity: Severity::Error,
    module: "source",
    summary: "A value of the wrong type, or a required key missing.",
    doc: "E.g. a list where a text belongs, `yes` where a boolean belongs (booleans are strict), a missing `title`.",
};

pub const VALUE_AMOUNT: Rule = Rule {
    id: "value.amount",
    severity: Severity::Error,
    module: "source",
    summary: "A cell that should hold an amount does not.",
    doc: "Amounts are decimals as printed (`629.76`, `1,239,844.00`); `?` marks an unreadable cell, `\"\"` a blank one. Anything else (`86.3x`, `六百`) is this error, at the cell.",
};

pub const VALUE_PRECISION: Rule = Rule {
    id: "value.precision",
    severity: Severity::Error,
    module: "source",
    summary: "An amount with more than two decimals.",
    doc: "Both 元 and 万元 tables print at most two decimals.",
};

pub const VALUE_CODE: Rule = Rule {
    id: "value.code",
    severity: Severity::Error,
    module: "source",
    summary: "A classification or unit code of the wrong shape.",
    doc: "Functional codes are 3/5/7 digits starting with 2; economic codes 3/5 digits starting with 3 or 5; unit codes digits only. Codes are written whole (`2101501`).",
};

pub const VALUE_ENUM: Rule = Rule {
    id: "value.enum",
    severity: Severity::Error,
    module: "source",
    summary: "A value outside its list (amount unit, table status, column type, level, unit type).",
    doc: "",
};

pub const VALUE_DATE: Rule = Rule {
    id: "value.date",
    severity: Severity::Error,
    module: "source",
    summary: "A date not written YYYY-MM-DD.",
    doc: "",
};

pub const VALUE_URL: Rule = Rule {
    id: "value.url",
    severity: Severity::Error,
    module: "source",
    summary: "A `source_url` that is not an http:// or https:// address.",
    doc: "",
};

pub const TABLE_DUPLICATE: Rule = Rule {
    id: "table.duplicate",
    severity: Severity::Error,
    module: "source",
    summary: "A table id, column key or row repeated within its scope.",
    doc: "",
};

pub const TABLE_REFERENCE: Rule = Rule {
    id: "table.reference",
    severity: Severity::Error,
    module: "source",
    summary: "A value or `sum_of` naming a column or row the table does not have.",
    doc: "",
};
