//! A member's contacts as files other tools open: a CSV a spreadsheet reads cleanly, and a
//! vCard 4.0 file a phone's address book imports.

use super::contact::Contact;

/// The CSV columns, in order (documented in the README).
pub const CSV_COLUMNS: [&str; 15] = [
    "name",
    "role",
    "institution",
    "how met",
    "where met",
    "met on",
    "rotation ends",
    "relationship",
    "mentor kind",
    "talked about",
    "email",
    "phone",
    "handle",
    "tags",
    "notes",
];

fn reads_as_formula(cell: &str) -> bool {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => true,
        // A cell that already starts with the guard before a formula character is guarded
        // again, so reading a sheet back (which strips one guard) changes nothing.
        Some('\'') => reads_as_formula(&cell[1..]),
        _ => false,
    }
}

/// A cell a spreadsheet would read as a formula is shown as text: prefixed with `'`.
pub fn guard_cell(cell: &str) -> String {
    if reads_as_formula(cell) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The cell as it was before [`guard_cell`]: one leading `'` before a formula is dropped.
pub fn unguard_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if reads_as_formula(rest) => rest,
        _ => cell,
    }
}

/// One row per contact, UTF-8 with a byte-order mark so spreadsheets pick the encoding.
pub fn contacts_csv(contacts: &[Contact]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS)?;
    for c in contacts {
        let text = |v: Option<&str>| guard_cell(v.unwrap_or_default());
        writer.write_record([
            guard_cell(&c.name),
            text(c.role.map(|r| r.label())),
            text(c.institution.as_deref()),
            text(c.met.kind.map(|k| k.label())),
            text(c.met.label.as_deref()),
            c.met_on.to_string(),
            c.met
                .rotation_ends_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            text(c.relationship.map(|r| r.label())),
            text(c.mentor_kind.map(|k| k.label())),
            text(c.callback.as_deref()),
            text(c.email.as_deref()),
            text(c.phone.as_deref()),
            text(c.handle.as_deref()),
            guard_cell(&c.tags.join(", ")),
            text(c.notes.as_deref()),
        ])?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// RFC 6350 text escaping.
fn vcard_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (between characters), ending in CRLF.
fn folded(line: &str, out: &mut String) {
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

/// Every contact as a vCard 4.0 card.
pub fn contacts_vcf(contacts: &[Contact]) -> String {
    let mut out = String::new();
    for c in contacts {
        folded("BEGIN:VCARD", &mut out);
        folded("VERSION:4.0", &mut out);
        folded(&format!("FN:{}", vcard_text(&c.name)), &mut out);
        if let Some(org) = &c.institution {
            folded(&format!("ORG:{}", vcard_text(org)), &mut out);
        }
        if let Some(role) = c.role {
            folded(&format!("TITLE:{}", vcard_text(role.label())), &mut out);
        }
        if let Some(email) = &c.email {
            folded(&format!("EMAIL:{}", vcard_text(email)), &mut out);
        }
        if let Some(phone) = &c.phone {
            folded(&format!("TEL;VALUE=text:{}", vcard_text(phone)), &mut out);
        }
        let mut note = String::new();
        if let Some(label) = &c.met.label {
            note.push_str(&format!("Met: {label} ({})", c.met_on));
        }
        if let Some(callback) = &c.callback {
            note.push_str(&format!("\nTalked about: {callback}"));
        }
        if let Some(notes) = &c.notes {
            note.push_str(&format!("\n{notes}"));
        }
        if !note.is_empty() {
            folded(&format!("NOTE:{}", vcard_text(note.trim())), &mut out);
        }
        folded("END:VCARD", &mut out);
    }
    out
}

/// The files of an export as one deflated `.zip`, each stamped with the export's time (UTC).
pub fn zipped(
    files: &[(&str, &[u8])],
    at: chrono::DateTime<chrono::Utc>,
) -> zip::result::ZipResult<Vec<u8>> {
    use chrono::{Datelike, Timelike};
    use std::io::Write;
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(at.year()).unwrap_or(1980),
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
    )
    .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        writer.start_file(*name, options)?;
        writer.write_all(bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_shown_as_text() {
        assert_eq!(guard_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_cell("+1 555 0100"), "'+1 555 0100");
        assert_eq!(guard_cell("@handle"), "'@handle");
        assert_eq!(guard_cell("Dr. Ana"), "Dr. Ana");
        assert_eq!(guard_cell("'=x"), "''=x");
        assert_eq!(unguard_cell("''=x"), "'=x");
        assert_eq!(unguard_cell("'plain"), "'plain");
    }

    #[test]
    fn vcard_lines_are_escaped_and_folded() {
        let mut out = String::new();
        folded(&format!("NOTE:{}", vcard_text(&"é".repeat(60))), &mut out);
        assert!(out.lines().all(|l| l.len() <= 75), "{out}");
        assert_eq!(vcard_text("a,b;c\nd\\"), "a\\,b\\;c\\nd\\\\");
    }

    #[test]
    fn a_zipped_export_holds_each_file_unchanged() {
        use std::io::Read;
        let big = "Dr. Ana Lopez, Mercy\n".repeat(2_000);
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-30T09:15:42Z")
            .expect("instant")
            .to_utc();
        let bytes = zipped(&[("a.csv", big.as_bytes()), ("b.json", b"{}")], at).expect("zip");
        assert!(bytes.len() < big.len() / 10, "deflated: {}", bytes.len());
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("archive");
        let mut text = String::new();
        let mut file = archive.by_name("a.csv").expect("a.csv");
        assert_eq!(
            file.last_modified().map(|t| (t.hour(), t.minute())),
            Some((9, 15))
        );
        file.read_to_string(&mut text).expect("read");
        assert_eq!(text, big);
    }
}
