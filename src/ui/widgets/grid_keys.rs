//! The keyboard cursor of a grid of cells (the heat map's cells, the Flow diagram's nodes):
//! arrow keys move it one cell, Home and End to the ends of its row, Enter and space keep it
//! (the caller selects there). One rule for both figures, so the keys behave the same.

/// Which way the row index grows on screen.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rows {
    /// Row 0 at the top (a matrix).
    Down,
    /// Row 0 at the bottom (the Flow diagram's token row).
    Up,
}

/// Where the cursor at `(row, col)` of a `rows × cols` grid goes on `key`; None for keys the
/// grid does not own (they keep their usual meaning). `rows` and `cols` must be at least 1.
pub fn move_cursor(
    key: &str,
    (row, col): (usize, usize),
    (rows, cols): (usize, usize),
    order: Rows,
) -> Option<(usize, usize)> {
    let up = |r: usize| match order {
        Rows::Down => r.saturating_sub(1),
        Rows::Up => (r + 1).min(rows - 1),
    };
    let down = |r: usize| match order {
        Rows::Down => (r + 1).min(rows - 1),
        Rows::Up => r.saturating_sub(1),
    };
    Some(match key {
        "ArrowLeft" => (row, col.saturating_sub(1)),
        "ArrowRight" => (row, (col + 1).min(cols - 1)),
        "ArrowUp" => (up(row), col),
        "ArrowDown" => (down(row), col),
        "Home" => (row, 0),
        "End" => (row, cols - 1),
        "Enter" | " " => (row, col),
        _ => return None,
    })
}

/// Whether `key` selects the cell under the cursor.
pub fn selects(key: &str) -> bool {
    matches!(key, "Enter" | " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_move_one_cell_and_stop_at_the_edges() {
        let m = |k, at| move_cursor(k, at, (3, 4), Rows::Down);
        assert_eq!(m("ArrowRight", (0, 3)), Some((0, 3)));
        assert_eq!(m("ArrowLeft", (0, 0)), Some((0, 0)));
        assert_eq!(m("ArrowDown", (1, 1)), Some((2, 1)));
        assert_eq!(m("ArrowUp", (0, 1)), Some((0, 1)));
        assert_eq!(m("End", (1, 0)), Some((1, 3)));
        assert_eq!(m("Home", (1, 2)), Some((1, 0)));
        assert_eq!(m("Enter", (2, 2)), Some((2, 2)));
        assert_eq!(m("a", (2, 2)), None);
        // Row 0 at the bottom: up goes to a higher row.
        assert_eq!(
            move_cursor("ArrowUp", (0, 1), (3, 4), Rows::Up),
            Some((1, 1))
        );
        assert_eq!(
            move_cursor("ArrowDown", (0, 1), (3, 4), Rows::Up),
            Some((0, 1))
        );
        assert!(selects(" ") && selects("Enter") && !selects("Tab"));
    }
}
