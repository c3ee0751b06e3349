//! Reading a contacts sheet a member uploads with `/me import`: the export's CSV columns, or a
//! minimal `name,role,institution,where met,email` sheet. Every row is checked before anything
//! is saved; the file as a whole is refused with a reason a member can act on.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::contact::{
    fold, ContactError, ContactName, ContactRole, Email, Handle, Institution, MentorKind, MetKind,
    NewContact, Notes, Phone, Relationship, Tags, TalkedAbout, Text, WhereMet,
};
use super::export::{unguard_cell, CSV_COLUMNS};

/// The largest sheet taken, in bytes (checked from the declared size before downloading).
pub const MAX_BYTES: u64 = 1024 * 1024;
/// The most data rows taken.
pub const MAX_ROWS: usize = 5_000;

/// Why a whole file was refused; the text is what the member reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("That file is {kb} KB; I take sheets up to 1 MB (about 5,000 contacts). Split it into smaller files.")]
    TooBig { kb: u64 },
    #[error("That looks like an Excel workbook, not a CSV file. In your spreadsheet choose File → Save as / Download → CSV UTF-8, then import that file.")]
    Workbook,
    #[error("That file is not a CSV text file. Export your sheet as CSV UTF-8 and import that.")]
    NotText,
    #[error("That file is saved as UTF-16. Save it as CSV UTF-8 (a choice in the spreadsheet's Save as list) and import that.")]
    Utf16,
    #[error("That file is not UTF-8 text (line {line} has a character in another encoding). Save it as CSV UTF-8 and import that.")]
    NotUtf8 { line: usize },
    #[error("The file is empty: the first row must name the columns, such as name,role,institution,where met,email.")]
    Empty,
    #[error("The first row must name the columns and one must be `name` (found: {found}). Use the columns of `/me export`'s contacts.csv, or name,role,institution,where met,email.")]
    NoNameColumn { found: String },
    #[error("The column `{0}` appears twice in the first row; keep one.")]
    DuplicateColumn(String),
    #[error("That sheet has more than 5,000 rows; split it into smaller files.")]
    TooManyRows,
    #[error(
        "The file could not be read as CSV (around line {line}). Export it again as CSV UTF-8."
    )]
    Malformed { line: u64 },
}

/// One row that cannot be imported: its row number as a spreadsheet shows it (the header is
/// row 1), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub why: String,
}

/// A checked row, ready to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub row: usize,
    pub contact: NewContact,
}

/// A read sheet: every row checked; `errors` empty means all of `rows` may be saved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheet {
    pub rows: Vec<Row>,
    pub errors: Vec<RowError>,
    /// Columns the sheet has that the importer does not know (ignored, and said so).
    pub ignored_columns: Vec<String>,
}

/// The bytes of an upload as text: UTF-8 (a byte-order mark is dropped), or why not.
pub fn decode(bytes: &[u8]) -> Result<&str, SheetError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(SheetError::Workbook);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(SheetError::Utf16);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        SheetError::NotUtf8 {
            line: before.iter().filter(|b| **b == b'\n').count() + 1,
        }
    })?;
    if text.contains('\0') {
        return Err(SheetError::NotText);
    }
    Ok(text)
}

/// The columns the importer reads, by their export name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Name,
    Role,
    Institution,
    HowMet,
    WhereMet,
    MetOn,
    RotationEnds,
    Relationship,
    MentorKind,
    TalkedAbout,
    Email,
    Phone,
    Handle,
    Tags,
    Notes,
}

const COLUMNS: [Column; 15] = [
    Column::Name,
    Column::Role,
    Column::Institution,
    Column::HowMet,
    Column::WhereMet,
    Column::MetOn,
    Column::RotationEnds,
    Column::Relationship,
    Column::MentorKind,
    Column::TalkedAbout,
    Column::Email,
    Column::Phone,
    Column::Handle,
    Column::Tags,
    Column::Notes,
];

/// A header cell as the importer compares it: trimmed, lowercase, `_` and `-` read as spaces.
fn header_key(cell: &str) -> String {
    cell.trim()
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn column_of(header: &str) -> Option<Column> {
    let key = match header_key(header).as_str() {
        "e mail" | "email address" | "e mail address" => "email".to_owned(),
        "phone number" | "mobile" => "phone".to_owned(),
        "met at" => "where met".to_owned(),
        key => key.to_owned(),
    };
    CSV_COLUMNS
        .iter()
        .position(|c| *c == key)
        .map(|i| COLUMNS[i])
}

/// A coded value typed by its label or its code, any letter case ("Program director",
/// "program_director").
fn coded<T: Copy>(
    cell: &str,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    what: &str,
) -> Result<Option<T>, String> {
    let key = header_key(cell);
    if key.is_empty() {
        return Ok(None);
    }
    all.iter()
        .copied()
        .find(|v| header_key(code(*v)) == key || header_key(label(*v)) == key)
        .map(Some)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|v| label(*v)).collect();
            format!(
                "“{}” is not a {what}; use one of: {}.",
                cell.trim().chars().take(40).collect::<String>(),
                names.join(", ")
            )
        })
}

fn date(cell: &str, what: &str) -> Result<Option<NaiveDate>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(cell, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            format!(
                "{what} “{}” is not a date like 2026-03-14.",
                cell.chars().take(20).collect::<String>()
            )
        })
}

fn field<T>(result: Result<T, ContactError>) -> Result<T, String> {
    result.map_err(|e| e.to_string())
}

/// One data row as a new contact; `today` is the meeting day when the row gives none.
fn contact_of(cells: &HashMap<Column, String>, today: NaiveDate) -> Result<NewContact, String> {
    let cell = |c: Column| cells.get(&c).map(String::as_str).unwrap_or_default();
    let some = |c: Column| Some(cell(c)).filter(|v| !v.trim().is_empty());
    let name = field(ContactName::parse(cell(Column::Name)))?;
    let met_on = date(cell(Column::MetOn), "Met on")?.unwrap_or(today);
    let mut new = NewContact::named(name, met_on);
    new.role = coded(
        cell(Column::Role),
        ContactRole::ALL,
        ContactRole::code,
        ContactRole::label,
        "role",
    )?;
    new.institution = field(Text::<Institution>::parse(cell(Column::Institution)))?;
    new.met.kind = coded(
        cell(Column::HowMet),
        MetKind::ALL,
        MetKind::code,
        MetKind::label,
        "way of meeting",
    )?;
    new.met.label = field(Text::<WhereMet>::parse(cell(Column::WhereMet)))?.map(Text::into_string);
    if new.met.kind.is_none() {
        new.met.kind = new
            .met
            .label
            .as_deref()
            .and_then(super::quick_add::met_kind_from_label);
    }
    new.met.rotation_ends_on = date(cell(Column::RotationEnds), "Rotation ends")?;
    new.relationship = coded(
        cell(Column::Relationship),
        Relationship::ALL,
        Relationship::code,
        Relationship::label,
        "relationship",
    )?;
    new.mentor_kind = coded(
        cell(Column::MentorKind),
        MentorKind::ALL,
        MentorKind::code,
        MentorKind::label,
        "mentor kind",
    )?;
    new.callback = field(Text::<TalkedAbout>::parse(cell(Column::TalkedAbout)))?;
    new.email = some(Column::Email)
        .map(|v| field(Email::parse(v)))
        .transpose()?;
    new.phone = some(Column::Phone)
        .map(|v| field(Phone::parse(v)))
        .transpose()?;
    new.handle = field(Text::<Handle>::parse(cell(Column::Handle)))?;
    new.tags = field(Tags::parse(cell(Column::Tags)))?;
    new.notes = field(Text::<Notes>::parse(cell(Column::Notes)))?;
    field(new.check())?;
    Ok(new)
}

/// Reads and checks every row of a sheet (already decoded). A file-level problem refuses the
/// whole file; row problems are collected, every row is checked.
pub fn read_sheet(text: &str, today: NaiveDate) -> Result<Sheet, SheetError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(SheetError::Empty),
        Some(Err(e)) => return Err(malformed(&e)),
        Some(Ok(h)) => h,
    };
    let mut sheet = Sheet::default();
    let mut columns: Vec<Option<Column>> = Vec::new();
    for cell in header.iter() {
        let column = column_of(cell);
        if let Some(c) = column {
            if columns.contains(&Some(c)) {
                return Err(SheetError::DuplicateColumn(header_key(cell)));
            }
        } else if !cell.trim().is_empty() {
            sheet
                .ignored_columns
                .push(cell.trim().chars().take(40).collect());
        }
        columns.push(column);
    }
    if !columns.contains(&Some(Column::Name)) {
        let found: Vec<String> = header
            .iter()
            .take(6)
            .map(|c| format!("`{}`", c.trim().chars().take(30).collect::<String>()))
            .collect();
        return Err(SheetError::NoNameColumn {
            found: if found.is_empty() {
                "nothing".into()
            } else {
                found.join(", ")
            },
        });
    }
    let mut data_rows = 0;
    for (i, record) in records.enumerate() {
        let record = record.map_err(|e| malformed(&e))?;
        // The header is row 1; a spreadsheet numbers the first data row 2.
        let row = i + 2;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        data_rows += 1;
        if data_rows > MAX_ROWS {
            return Err(SheetError::TooManyRows);
        }
        let cells: HashMap<Column, String> = columns
            .iter()
            .zip(record.iter())
            .filter_map(|(c, v)| c.map(|c| (c, unguard_cell(v).to_owned())))
            .collect();
        match contact_of(&cells, today) {
            Ok(contact) => sheet.rows.push(Row { row, contact }),
            Err(why) => sheet.errors.push(RowError { row, why }),
        }
    }
    Ok(sheet)
}

fn malformed(e: &csv::Error) -> SheetError {
    SheetError::Malformed {
        line: e.position().map_or(1, csv::Position::line),
    }
}

/// What tells two cards about the same person apart.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub institution: Option<&'a str>,
}

/// What the duplicate check keeps of a card the member has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub name: String,
    pub email: Option<String>,
    pub institution: Option<String>,
}

impl Card {
    pub fn identity(&self) -> Identity<'_> {
        Identity {
            name: &self.name,
            email: self.email.as_deref(),
            institution: self.institution.as_deref(),
        }
    }
}

/// A name as duplicates compare it (letter case and spacing aside).
pub fn name_key(name: &str) -> String {
    folded_words(name)
}

fn folded_words(text: &str) -> String {
    fold(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether an imported row is a card the member already has: the names match (any letter case)
/// and, where both have an email, the emails match; else, where both have an institution, the
/// institutions match; else the name alone decides.
pub fn same_person(a: Identity<'_>, b: Identity<'_>) -> bool {
    if folded_words(a.name) != folded_words(b.name) {
        return false;
    }
    if let (Some(x), Some(y)) = (a.email, b.email) {
        return folded_words(x) == folded_words(y);
    }
    if let (Some(x), Some(y)) = (a.institution, b.institution) {
        return folded_words(x) == folded_words(y);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::export::contacts_csv;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
    }

    fn read(text: &str) -> Sheet {
        read_sheet(decode(text.as_bytes()).expect("utf-8"), today()).expect("a sheet")
    }

    #[test]
    fn a_minimal_sheet_with_headers_in_any_case_reads() {
        let sheet = read(
            "Name,ROLE,Institution,Where Met,email\nDr. Ana Lopez,program director,Mercy,SAEM 2026 residency fair,ana@mercy.org\nBo,,,,\n",
        );
        assert!(sheet.errors.is_empty(), "{:?}", sheet.errors);
        assert_eq!(sheet.rows.len(), 2);
        let ana = &sheet.rows[0].contact;
        assert_eq!(ana.name.as_str(), "Dr. Ana Lopez");
        assert_eq!(ana.role, Some(ContactRole::ProgramDirector));
        assert_eq!(ana.met.kind, Some(MetKind::ResidencyFair));
        assert_eq!(ana.met_on, today());
        assert_eq!(ana.email.as_ref().map(Email::as_str), Some("ana@mercy.org"));
        assert_eq!(sheet.rows[1].row, 3);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_spreadsheet_row_number() {
        let sheet = read("name,email,role\nAna,not-an-email,\n,,\nBo,,astronaut\n,x@y.org,\n");
        let rows: Vec<usize> = sheet.errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, vec![2, 4, 5], "{:?}", sheet.errors);
        assert!(sheet.errors[1].why.contains("astronaut"));
        assert!(
            sheet.errors[2].why.contains("name"),
            "{}",
            sheet.errors[2].why
        );
    }

    #[test]
    fn a_phone_starting_with_plus_stays_text_and_a_guard_quote_is_stripped() {
        let sheet = read("name,phone,notes\nAna,+1 555 0100,'=1+1\nBo,'+44 20 7946 0000,'plain\n");
        assert!(sheet.errors.is_empty(), "{:?}", sheet.errors);
        assert_eq!(sheet.rows[0].contact.phone.as_deref(), Some("+1 555 0100"));
        assert_eq!(sheet.rows[0].contact.notes.as_deref(), Some("=1+1"));
        assert_eq!(
            sheet.rows[1].contact.phone.as_deref(),
            Some("+44 20 7946 0000")
        );
        assert_eq!(sheet.rows[1].contact.notes.as_deref(), Some("'plain"));
    }

    #[test]
    fn files_that_are_not_utf8_csv_are_refused_with_the_reason() {
        assert_eq!(decode(b"PK\x03\x04rest"), Err(SheetError::Workbook));
        assert_eq!(decode(b"\xFF\xFEn\0a\0"), Err(SheetError::Utf16));
        assert_eq!(
            decode(b"name\nJos\xE9\n"),
            Err(SheetError::NotUtf8 { line: 2 })
        );
        assert_eq!(decode(b"name\0\0"), Err(SheetError::NotText));
        assert_eq!(decode(b"\xEF\xBB\xBFname\n"), Ok("name\n"));
        assert_eq!(read_sheet("", today()), Err(SheetError::Empty));
        assert!(matches!(
            read_sheet("first,last\nAna,Lopez\n", today()),
            Err(SheetError::NoNameColumn { .. })
        ));
        assert_eq!(
            read_sheet("name,Name\n", today()),
            Err(SheetError::DuplicateColumn("name".into()))
        );
    }

    #[test]
    fn more_than_5000_rows_is_refused_but_5000_read() {
        let mut text = String::from("name\n");
        for i in 0..MAX_ROWS {
            text.push_str(&format!("Person {i}\n"));
        }
        assert_eq!(
            read_sheet(&text, today()).map(|s| s.rows.len()),
            Ok(MAX_ROWS)
        );
        text.push_str("One more\n");
        assert_eq!(read_sheet(&text, today()), Err(SheetError::TooManyRows));
    }

    #[test]
    fn unknown_columns_are_ignored_and_named() {
        let sheet = read("name,favourite colour\nAna,blue\n");
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.ignored_columns, vec!["favourite colour".to_owned()]);
        let aliases = read("Name,E-mail,Phone number,Met at\nAna,a@b.org,+1 555 0100,SAEM\n");
        assert!(
            aliases.ignored_columns.is_empty(),
            "{:?}",
            aliases.ignored_columns
        );
        assert_eq!(aliases.rows[0].contact.met.label.as_deref(), Some("SAEM"));
    }

    #[test]
    fn duplicates_follow_email_then_institution_then_name() {
        let id = |name, email, institution| Identity {
            name,
            email,
            institution,
        };
        let ana = id("Dr. Ana  Lopez", Some("ana@mercy.org"), Some("Mercy"));
        assert!(same_person(
            ana,
            id("dr. ana lopez", Some("ANA@mercy.org"), None)
        ));
        assert!(!same_person(
            ana,
            id("Dr. Ana Lopez", Some("ana@other.org"), Some("Mercy"))
        ));
        assert!(same_person(ana, id("Dr. Ana Lopez", None, Some("mercy"))));
        assert!(!same_person(ana, id("Dr. Ana Lopez", None, Some("County"))));
        assert!(same_person(ana, id("Dr. Ana Lopez", None, None)));
        assert!(!same_person(ana, id("Dr. Ana Lopes", None, None)));
    }

    #[test]
    fn an_exported_sheet_reads_back_as_the_same_contacts() {
        let now = chrono::Utc::now();
        let mut new = NewContact::named(
            ContactName::parse("=Dr. Ana, \"the\" Lopez").expect("name"),
            NaiveDate::from_ymd_opt(2026, 3, 14).expect("date"),
        );
        new.role = Some(ContactRole::AssociateProgramDirector);
        new.institution = Text::parse("-Mercy; General").expect("ok");
        new.met.kind = Some(MetKind::AwayRotation);
        new.met.label = Some("away rotation at Mercy".into());
        new.met.rotation_ends_on = NaiveDate::from_ymd_opt(2026, 4, 1);
        new.relationship = Some(Relationship::Mentor);
        new.mentor_kind = Some(MentorKind::Application);
        new.callback = Text::parse("@ultrasound\nfellowships").expect("ok");
        new.email = Some(Email::parse("ana@mercy.org").expect("ok"));
        new.phone = Some(Phone::parse("+1 (555) 010-0100").expect("ok"));
        new.handle = Text::parse("'@ana").expect("ok");
        new.tags = Tags::parse("sim, peds").expect("ok");
        new.notes = Text::parse("\tline one\r\nline two").expect("ok");
        let contact = crate::domain::contact::Contact {
            id: crate::domain::contact::ContactId(1),
            owner: crate::domain::UserId(1),
            name: new.name.as_str().to_owned(),
            role: new.role,
            institution: new.institution.as_deref().map(str::to_owned),
            met: new.met.clone(),
            met_on: new.met_on,
            relationship: new.relationship,
            mentor_kind: new.mentor_kind,
            callback: new.callback.as_deref().map(str::to_owned),
            email: new.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: new.phone.as_deref().map(str::to_owned),
            handle: new.handle.as_deref().map(str::to_owned),
            tags: new.tags.as_slice().to_vec(),
            notes: new.notes.as_deref().map(str::to_owned),
            created_at: now,
            updated_at: now,
            version: 1,
            last_used_at: now,
        };
        let csv = contacts_csv(&[contact]).expect("csv");
        let sheet = read_sheet(decode(csv.as_bytes()).expect("utf-8"), today()).expect("sheet");
        assert!(sheet.errors.is_empty(), "{:?}", sheet.errors);
        assert!(sheet.ignored_columns.is_empty());
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].contact, new);
    }
}
