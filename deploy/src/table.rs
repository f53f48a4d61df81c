//! Column-aligned text tables, laid out like Go's `tabwriter` with kubeadm's settings
//! (minimum cell width 10, padding 3).

use std::fmt;

const MIN_WIDTH: usize = 10;
const PADDING: usize = 3;

/// A table with a header row.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with the given column headers.
    pub fn new(headers: &[&str]) -> Self {
        let mut table = Self::default();
        table.row(headers);
        table
    }

    /// Appends a row.
    pub fn row(&mut self, cells: &[&str]) {
        self.rows.push(cells.iter().map(|c| (*c).to_owned()).collect());
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                let widest = self.rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0);
                (widest + PADDING).max(MIN_WIDTH)
            })
            .collect();
        for row in &self.rows {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(&format!("{cell:<width$}", width = widths[c]));
                }
            }
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_with_padding_and_minimum_width() {
        let mut table = Table::new(&["NAME", "AGE"]);
        table.row(&["apiserver-kubelet-client", "1d"]);
        let text = table.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("{:<27}AGE", "NAME"));
        assert_eq!(lines[1], "apiserver-kubelet-client   1d");
    }
}
