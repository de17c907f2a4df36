//! Number formatting for labels and data attributes.

/// A number for display: 3 significant digits, "overflow" / "NaN" for non-finite values.
pub fn display_number(value: f32) -> String {
    if value.is_nan() {
        "NaN".to_string()
    } else if value.is_infinite() {
        "overflow".to_string()
    } else if value == 0.0 {
        "0".to_string()
    } else if value.abs() >= 1e4 || value.abs() < 1e-3 {
        format!("{value:.2e}")
    } else {
        let digits = (2 - value.abs().log10().floor() as i32).clamp(0, 6) as usize;
        format!("{value:.digits$}")
    }
}

/// Values as a JSON array (`null` for non-finite ones, which JSON cannot hold), for the data
/// attributes tests read.
pub fn json_list(values: &[f32]) -> String {
    let cells: Vec<String> = values
        .iter()
        .map(|v| {
            if v.is_finite() {
                format!("{v}")
            } else {
                "null".to_string()
            }
        })
        .collect();
    format!("[{}]", cells.join(","))
}

/// A matrix as JSON (`null` for non-finite entries, which JSON cannot hold).
pub fn matrix_json(rows: &[Vec<f32>]) -> String {
    let row_json = |row: &Vec<f32>| json_list(row);
    format!(
        "[{}]",
        rows.iter().map(row_json).collect::<Vec<_>>().join(",")
    )
}

/// Strings as a JSON array (quotes, backslashes and control characters escaped).
pub fn strings_json(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| {
            let mut out = String::from('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        })
        .collect();
    format!("[{}]", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_number_cases() {
        assert_eq!(display_number(f32::NAN), "NaN");
        assert_eq!(display_number(f32::INFINITY), "overflow");
        assert_eq!(display_number(0.0), "0");
        assert_eq!(display_number(1.23456), "1.23");
        assert_eq!(display_number(123.456), "123");
        assert_eq!(display_number(0.0123456), "0.0123");
        assert_eq!(display_number(12345.0), "1.23e4");
    }

    #[test]
    fn matrix_json_writes_null_for_non_finite() {
        assert_eq!(
            matrix_json(&[vec![1.0, 0.5], vec![f32::NAN, 2.0]]),
            "[[1,0.5],[null,2]]"
        );
    }

    #[test]
    fn strings_json_escapes() {
        let items = ["a\"b".to_string(), "c\\d".to_string(), "e\nf".to_string()];
        assert_eq!(strings_json(&items), r#"["a\"b","c\\d","e\u000af"]"#);
    }
}
