//! Statistical disclosure control for the published tables (rules.md §11; Eurostat/ESS handbook on
//! statistical disclosure control): a count from 1 to `threshold - 1` identifies people in a small commune,
//! so such a cell is suppressed (*primary* suppression), and enough other cells with it (*secondary*
//! suppression) that no suppressed count can be recovered from the published cells and totals.
//!
//! A table has any number of dimensions, each with its categories and a total; every cell, margins
//! included, is published or suppressed. Each primary cell is protected by a *pattern*: one other index per
//! dimension (a category or the total), so 2^k cells that can all move together without changing any
//! published value — a rectangle in two dimensions. Moving them gives tables that an attacker cannot tell
//! from the true one: one where the primary cell is 0, one where it is at least the threshold. So, for every
//! suppressed cell, the values consistent with what is published include 0 and a value at or above the
//! threshold (a cell that is suppressed without being primary is 0 or at least the threshold already).
//! Suppressing more cells only widens those ranges, so each pattern's proof holds whatever else is
//! suppressed. Patterns are chosen to suppress as few new cells, then as few margins, as possible.
//!
//! Not here yet: tables released together that share margins (the linked-tables protection of issue 12).

/// A table of counts with every margin. Index `categories[k]` of dimension `k` is its total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTable {
    categories: Vec<usize>,
    counts: Vec<u64>,
}

/// A cell's coordinates: one index per dimension, the total being `categories[k]`.
pub type Cell = Vec<usize>;

impl CountTable {
    /// A table from its interior counts, row-major (the last dimension varies fastest); the margins are
    /// summed here. `None` when the counts do not fill the dimensions.
    pub fn from_interior(categories: &[usize], interior: &[u64]) -> Option<CountTable> {
        if categories.is_empty() || categories.contains(&0) || interior.len() != categories.iter().product::<usize>() {
            return None;
        }
        let extended: Vec<usize> = categories.iter().map(|n| n + 1).collect();
        let mut table = CountTable { categories: categories.to_vec(), counts: vec![0; extended.iter().product()] };
        for (position, count) in interior.iter().enumerate() {
            let mut rest = position;
            let mut cell = vec![0; categories.len()];
            for k in (0..categories.len()).rev() {
                cell[k] = rest % categories[k];
                rest /= categories[k];
            }
            // The count goes into its cell and every margin above it: each subset of dimensions set to total.
            for mask in 0..(1usize << categories.len()) {
                let target: Cell =
                    (0..categories.len()).map(|k| if mask & (1 << k) != 0 { categories[k] } else { cell[k] }).collect();
                let index = table.index(&target);
                table.counts[index] += count;
            }
        }
        Some(table)
    }

    fn index(&self, cell: &[usize]) -> usize {
        cell.iter().zip(&self.categories).fold(0, |acc, (i, n)| acc * (n + 1) + i)
    }

    /// The count of a cell (margins included).
    pub fn count(&self, cell: &[usize]) -> u64 {
        self.counts[self.index(cell)]
    }

    /// Every cell, margins included, in row-major order.
    pub fn cells(&self) -> Vec<Cell> {
        let mut cells = vec![Vec::new()];
        for n in &self.categories {
            cells = cells
                .into_iter()
                .flat_map(|prefix| (0..=*n).map(move |i| [prefix.clone(), vec![i]].concat()))
                .collect();
        }
        cells
    }

    /// Whether the cell is a margin (some index is a total).
    pub fn is_margin(&self, cell: &[usize]) -> bool {
        cell.iter().zip(&self.categories).any(|(i, n)| i == n)
    }
}

/// A published table: each cell's count, or `None` when suppressed, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// For each cell (in [`CountTable::cells`] order): `Some(count)` published, `None` suppressed.
    pub published: Vec<Option<u64>>,
    /// Suppressed because small (primary), in the same order.
    pub primary: Vec<bool>,
}

/// Whether a count must be suppressed for itself.
pub fn is_primary(count: u64, threshold: u64) -> bool {
    count > 0 && count < threshold
}

/// The cells of the pattern that takes `other[k]` beside `cell[k]` in each dimension, with their sign.
fn pattern(table: &CountTable, cell: &[usize], other: &[usize]) -> Vec<(Cell, i8)> {
    let k = cell.len();
    (0..(1usize << k))
        .map(|mask| {
            let mut sign = 1i8;
            let coords: Cell = (0..k)
                .map(|d| {
                    if mask & (1 << d) == 0 {
                        cell[d]
                    } else {
                        // Two categories move in opposite directions; a category and its total together.
                        let total = table.categories[d];
                        if cell[d] != total && other[d] != total {
                            sign = -sign;
                        }
                        other[d]
                    }
                })
                .collect();
            (coords, sign)
        })
        .collect()
}

/// How far the pattern can move the cell in one direction on `counts` without a count going negative:
/// downwards the cells that move with it limit it, upwards those that move against it (`u64::MAX` when none).
fn capacity(table: &CountTable, counts: &[u64], members: &[(Cell, i8)], down: bool) -> u64 {
    members
        .iter()
        .filter(|(_, sign)| (*sign > 0) == down)
        .map(|(c, _)| counts[table.index(c)])
        .min()
        .unwrap_or(u64::MAX)
}

/// Every choice of one other index per dimension.
fn other_indices(table: &CountTable, cell: &[usize]) -> Vec<Vec<usize>> {
    let mut choice = vec![Vec::new()];
    for (d, n) in table.categories.iter().enumerate() {
        choice = choice
            .into_iter()
            .flat_map(|prefix| (0..=*n).filter(move |o| *o != cell[d]).map(move |o| [prefix.clone(), vec![o]].concat()))
            .collect();
    }
    choice
}

/// What a pattern costs: new cells suppressed, new margins among them, and (reversed) how far it moves.
type PatternCost = (usize, usize, std::cmp::Reverse<u64>);

/// Moves the cell by `need` in one direction with patterns applied one after the other (each a move that
/// changes nothing published once its cells are suppressed; their sum is one too), marking their cells
/// suppressed. Prefers patterns that suppress few new cells, few margins, then move far. Returns whether
/// the whole move was found.
fn protect(table: &CountTable, cell: &[usize], need: u64, down: bool, suppressed: &mut [bool]) -> bool {
    let mut counts = table.counts.clone();
    let mut left = need;
    let candidates: Vec<Vec<(Cell, i8)>> =
        other_indices(table, cell).into_iter().map(|other| pattern(table, cell, &other)).collect();
    while left > 0 {
        let mut best: Option<(PatternCost, usize, u64)> = None;
        for (n, members) in candidates.iter().enumerate() {
            let room = capacity(table, &counts, members, down);
            if room == 0 {
                continue;
            }
            let new: Vec<&Cell> = members.iter().map(|(c, _)| c).filter(|c| !suppressed[table.index(c)]).collect();
            let cost =
                (new.len(), new.iter().filter(|c| table.is_margin(c)).count(), std::cmp::Reverse(room.min(left)));
            if best.as_ref().is_none_or(|(b, _, _)| cost < *b) {
                best = Some((cost, n, room));
            }
        }
        let Some((_, n, room)) = best else { return false };
        let step = room.min(left);
        for (c, sign) in &candidates[n] {
            let index = table.index(c);
            suppressed[index] = true;
            // The cells that move with the primary one go the same way.
            let with = (*sign > 0) == down;
            counts[index] = if with { counts[index] - step } else { counts[index].saturating_add(step) };
        }
        left -= step;
    }
    true
}

/// Suppresses every small cell and, for each, the patterns that take it to 0 and to the threshold.
pub fn suppress(table: &CountTable, threshold: u64) -> Suppressed {
    let cells = table.cells();
    let mut suppressed: Vec<bool> = cells.iter().map(|c| is_primary(table.count(c), threshold)).collect();
    let primary = suppressed.clone();
    // Smallest counts first: they are the hardest to protect and their patterns often protect others.
    let mut order: Vec<usize> = (0..cells.len()).filter(|i| primary[*i]).collect();
    order.sort_by_key(|i| (table.count(&cells[*i]), *i));
    for i in order {
        let count = table.count(&cells[i]);
        // Down to 0 always succeeds: the pattern of the cell with every total moves the cell and margins
        // that contain it together, and each step lowers the cell's remaining count. Up to the threshold
        // too: that pattern has no cell moving against it.
        let down = protect(table, &cells[i], count, true, &mut suppressed);
        let up = protect(table, &cells[i], threshold - count, false, &mut suppressed);
        debug_assert!(down && up, "a small cell could not be protected");
    }
    Suppressed {
        published: cells.iter().zip(&suppressed).map(|(c, s)| (!s).then(|| table.count(c))).collect(),
        primary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An exact attacker on a two-dimensional table: every table of interior counts from 0 to `cap` that
    /// gives the published values, and the smallest and largest value each suppressed cell takes.
    fn attack(rows: usize, cols: usize, published: &[Option<u64>], cap: u64) -> Vec<Option<(u64, u64)>> {
        let table_of = |interior: &[u64]| CountTable::from_interior(&[rows, cols], interior).expect("table");
        let cells = table_of(&vec![0; rows * cols]).cells();
        let mut ranges: Vec<Option<(u64, u64)>> = vec![None; cells.len()];
        // A published interior cell is known: only the suppressed ones are searched.
        let interior_cells: Vec<usize> = (0..rows * cols)
            .map(|p| cells.iter().position(|c| *c == vec![p / cols, p % cols]).expect("interior cell"))
            .collect();
        let mut interior: Vec<u64> = interior_cells.iter().map(|i| published[*i].unwrap_or(0)).collect();
        let unknown: Vec<usize> = (0..rows * cols).filter(|p| published[interior_cells[*p]].is_none()).collect();
        assert!(unknown.len() <= 6, "the search is for small tables");
        fn walk(position: usize, unknown: &[usize], interior: &mut Vec<u64>, cap: u64, check: &mut dyn FnMut(&[u64])) {
            if position == unknown.len() {
                check(interior);
                return;
            }
            for value in 0..=cap {
                interior[unknown[position]] = value;
                walk(position + 1, unknown, interior, cap, check);
            }
        }
        let mut check = |candidate: &[u64]| {
            let table = table_of(candidate);
            let consistent = cells.iter().zip(published).all(|(c, p)| p.is_none_or(|v| table.count(c) == v));
            if consistent {
                for (i, c) in cells.iter().enumerate() {
                    if published[i].is_none() {
                        let v = table.count(c);
                        ranges[i] = Some(ranges[i].map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
                    }
                }
            }
        };
        walk(0, &unknown, &mut interior, cap, &mut check);
        ranges
    }

    #[test]
    fn a_commune_with_three_obliged_persons_is_hidden_with_enough_others_and_the_total_stays() {
        // Communes × status (obliged, exempt): Hastière has 3 obliged.
        let table = CountTable::from_interior(&[3, 2], &[3, 12, 40, 25, 31, 9]).expect("table");
        let result = suppress(&table, 5);
        let cells = table.cells();
        let at = |cell: &[usize]| result.published[cells.iter().position(|c| c == cell).expect("cell")];
        assert_eq!(at(&[0, 0]), None, "3 is suppressed");
        assert_eq!(at(&[3, 2]), Some(120), "the grand total stays published");
        let hidden = result.published.iter().filter(|p| p.is_none()).count();
        assert_eq!(hidden, 4, "a rectangle: the cell and three others");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn no_small_count_is_published_and_an_exact_attacker_cannot_narrow_one_into_one_to_four(
            (rows, cols, interior) in (1usize..=2, 2usize..=3)
                .prop_flat_map(|(r, c)| (Just(r), Just(c), proptest::collection::vec(0u64..=4, r * c)))
        ) {
            let table = CountTable::from_interior(&[rows, cols], &interior).expect("table");
            let result = suppress(&table, 5);
            let cells = table.cells();
            for (cell, published) in cells.iter().zip(&result.published) {
                if let Some(count) = published {
                    prop_assert!(!is_primary(*count, 5), "{cell:?} published with {count}");
                }
            }
            // Counts of at most 4 moved by at most 5 stay within 0..=8.
            let ranges = attack(rows, cols, &result.published, 8);
            for (i, range) in ranges.iter().enumerate() {
                if let Some((lo, hi)) = range {
                    prop_assert!(!(*lo >= 1 && *hi <= 4), "{:?}: narrowed to {lo}..{hi}", cells[i]);
                    if result.primary[i] {
                        prop_assert!(*lo == 0 && *hi >= 5, "{:?}: primary cell only {lo}..{hi}", cells[i]);
                    }
                }
            }
        }

        #[test]
        fn three_dimensional_tables_publish_no_small_count_and_keep_their_small_cells_unrecoverable(
            interior in proptest::collection::vec(0u64..=4, 8)
        ) {
            let table = CountTable::from_interior(&[2, 2, 2], &interior).expect("table");
            let result = suppress(&table, 5);
            let cells = table.cells();
            for (cell, published) in cells.iter().zip(&result.published) {
                if let Some(count) = published {
                    prop_assert!(!is_primary(*count, 5), "{cell:?} published with {count}");
                }
            }
            // An exact attacker: every interior of suppressed cells from 0 to 8 (a count of 4 moved up to 5 by 4
            // more stays within it) that gives what is published.
            let unknown: Vec<usize> = (0..8).filter(|p| {
                let cell = vec![p / 4, (p / 2) % 2, p % 2];
                result.published[cells.iter().position(|c| *c == cell).expect("cell")].is_none()
            }).collect();
            // Five unknown cells at most keep the search small (9^5 tables); larger cases are left to the 2-D
            // attacker and the published-cells check above.
            if unknown.len() > 5 {
                return Ok(());
            }
            let mut ranges: Vec<Option<(u64, u64)>> = vec![None; cells.len()];
            let combinations = 9u64.pow(unknown.len() as u32);
            for code in 0..combinations {
                let mut candidate = interior.clone();
                let mut rest = code;
                for p in &unknown {
                    candidate[*p] = rest % 9;
                    rest /= 9;
                }
                let other = CountTable::from_interior(&[2, 2, 2], &candidate).expect("table");
                if cells.iter().zip(&result.published).all(|(c, p)| p.is_none_or(|v| other.count(c) == v)) {
                    for (i, c) in cells.iter().enumerate() {
                        if result.published[i].is_none() {
                            let v = other.count(c);
                            ranges[i] = Some(ranges[i].map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
                        }
                    }
                }
            }
            for (i, range) in ranges.iter().enumerate() {
                if result.primary[i] {
                    let (lo, hi) = range.expect("the true table is consistent");
                    prop_assert!(lo == 0 && hi >= 5, "{:?}: primary cell only {lo}..{hi}", cells[i]);
                }
            }
        }
    }
}
