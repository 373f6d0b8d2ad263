//! Statistical disclosure control for the published tables (rules.md §11; Eurostat/ESS handbook on
//! statistical disclosure control): a count from 1 to `threshold - 1` identifies people in a small commune,
//! so such a cell is suppressed (*primary* suppression), and enough other cells with it (*secondary*
//! suppression) that no suppressed count can be recovered from the published cells and totals.
//!
//! A table has any number of dimensions. Each dimension has categories (its leaves) and aggregates, each a
//! set of leaves (an arrondissement, a CRI, a status grouping its reasons), the last being every leaf (the
//! total); aggregates need not nest (CRIs cut across arrondissements). Every cell, aggregates included, is
//! a sum of interior counts, and a release publishes or suppresses each cell.
//!
//! Each primary cell is protected by *patterns*: in every dimension a move of one leaf inside the cell's
//! category (carried to every aggregate containing it), either against one leaf outside it (carried the
//! other way) or alone. The product of those moves changes the cell and keeps every sum consistent — a
//! rectangle in a flat two-dimensional table. Once every cell of a pattern is suppressed, moving it gives a
//! table an attacker cannot tell from the true one. Patterns are applied one after the other until the cell
//! reaches 0 and, separately, the threshold, so for every suppressed cell the values consistent with what
//! is published include 0 and a value at or above the threshold (a cell suppressed without being primary
//! is 0 or at least the threshold already). Suppressing more only widens those ranges, so each proof holds
//! whatever else is suppressed. Patterns are chosen to hide as little as possible: the smallest sum of
//! counts newly suppressed, then the fewest cells and aggregates.
//!
//! Tables released together that share margins are one table here, with only some cells released: a cell
//! that is not released moves freely (nobody sees it) and is never primary. A release that follows an
//! earlier one over the same cells (a year after its quarters) keeps each of those cells as the earlier
//! release left it: published cells may not move, suppressed ones stay suppressed.

/// One dimension of a table: its categories and the aggregates over them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    leaves: usize,
    /// For each node (the leaves, then the aggregates, then the total), the leaves it sums.
    members: Vec<Vec<usize>>,
    /// For each leaf, the nodes that contain it (itself first).
    containing: Vec<Vec<usize>>,
}

impl Dimension {
    /// Categories and their total.
    pub fn flat(categories: usize) -> Option<Dimension> {
        Dimension::with_aggregates(categories, &[])
    }

    /// Categories, aggregates over them (each a non-empty set of categories) and the total, added last.
    /// `None` when a dimension has no category or an aggregate names a category that does not exist.
    pub fn with_aggregates(categories: usize, aggregates: &[Vec<usize>]) -> Option<Dimension> {
        if categories == 0 || aggregates.iter().any(|a| a.is_empty() || a.iter().any(|l| *l >= categories)) {
            return None;
        }
        let mut members: Vec<Vec<usize>> = (0..categories).map(|l| vec![l]).collect();
        for aggregate in aggregates {
            let mut set = aggregate.clone();
            set.sort_unstable();
            set.dedup();
            members.push(set);
        }
        members.push((0..categories).collect());
        let mut containing = vec![Vec::new(); categories];
        for (node, leaves) in members.iter().enumerate() {
            for leaf in leaves {
                containing[*leaf].push(node);
            }
        }
        Some(Dimension { leaves: categories, members, containing })
    }

    /// Categories, aggregates and the total.
    pub fn nodes(&self) -> usize {
        self.members.len()
    }

    /// The index of the total.
    pub fn total(&self) -> usize {
        self.members.len() - 1
    }

    /// Whether the node is an aggregate or the total.
    pub fn is_aggregate(&self, node: usize) -> bool {
        node >= self.leaves
    }

    fn contains(&self, node: usize, leaf: usize) -> bool {
        self.members[node].binary_search(&leaf).is_ok()
    }

    /// The moves that change `node`: (node, sign) for one leaf inside it against one outside or alone.
    fn moves(&self, node: usize, everywhere: bool) -> Vec<Vec<(usize, i8)>> {
        let mut moves = Vec::new();
        for inside in &self.members[node] {
            let up = &self.containing[*inside];
            moves.push(up.iter().map(|n| (*n, 1)).collect());
            // Against a leaf of the same aggregate (a commune of the same arrondissement or CRI), which moves
            // fewer aggregates; the move alone is always there, so fewer candidates lose no protection.
            let neighbours = |l: &usize| {
                everywhere
                    || self.members.len() == self.leaves + 1
                    || self.containing[*l].iter().any(|n| *n != self.total() && self.is_aggregate(*n) && up.contains(n))
            };
            for outside in (0..self.leaves).filter(|l| !self.contains(node, *l)).filter(neighbours) {
                let down = &self.containing[outside];
                let mut members: Vec<(usize, i8)> = up.iter().filter(|n| !down.contains(n)).map(|n| (*n, 1)).collect();
                members.extend(down.iter().filter(|n| !up.contains(n)).map(|n| (*n, -1)));
                moves.push(members);
            }
        }
        moves
    }
}

/// A table of counts with every aggregate of every dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTable {
    dimensions: Vec<Dimension>,
    counts: Vec<u64>,
    /// The dimensions of tables released together as margins ([`CountTable::with_linked`]).
    linked: Vec<bool>,
}

/// A cell's coordinates: one node per dimension.
pub type Cell = Vec<usize>;

impl CountTable {
    /// A table from its interior counts, row-major over the categories (the last dimension varies
    /// fastest); aggregates are summed here. `None` when the counts do not fill the dimensions.
    pub fn new(dimensions: Vec<Dimension>, interior: &[u64]) -> Option<CountTable> {
        if dimensions.is_empty() || interior.len() != dimensions.iter().map(|d| d.leaves).product::<usize>() {
            return None;
        }
        let size = dimensions.iter().map(Dimension::nodes).product();
        let linked = vec![false; dimensions.len()];
        let mut table = CountTable { dimensions, counts: vec![0; size], linked };
        for (position, count) in interior.iter().enumerate().filter(|(_, c)| **c > 0) {
            let mut rest = position;
            let mut leaf = vec![0; table.dimensions.len()];
            for k in (0..table.dimensions.len()).rev() {
                leaf[k] = rest % table.dimensions[k].leaves;
                rest /= table.dimensions[k].leaves;
            }
            // The count goes into every cell whose nodes all contain its leaves.
            let mut targets = vec![0usize];
            for (k, dimension) in table.dimensions.iter().enumerate() {
                let nodes = dimension.nodes();
                targets = targets
                    .iter()
                    .flat_map(|t| dimension.containing[leaf[k]].iter().map(move |n| t * nodes + n))
                    .collect();
            }
            for target in targets {
                table.counts[target] += count;
            }
        }
        Some(table)
    }

    /// A table whose dimensions are all flat (categories and a total).
    pub fn flat(categories: &[usize], interior: &[u64]) -> Option<CountTable> {
        let dimensions = categories.iter().map(|n| Dimension::flat(*n)).collect::<Option<Vec<_>>>()?;
        CountTable::new(dimensions, interior)
    }

    /// Marks `dimensions` as those of tables released together as margins: a cell is released only when
    /// at most one of them is not at its total (the others, their crossings, are [`CellRule::NotReleased`]).
    /// Patterns are then searched over the released margins alone, which is much faster.
    pub fn with_linked(mut self, dimensions: &[usize]) -> CountTable {
        for k in dimensions {
            if let Some(flag) = self.linked.get_mut(*k) {
                *flag = true;
            }
        }
        self
    }

    fn index(&self, cell: &[usize]) -> usize {
        cell.iter().zip(&self.dimensions).fold(0, |acc, (i, d)| acc * d.nodes() + i)
    }

    /// The count of a cell (aggregates included).
    pub fn count(&self, cell: &[usize]) -> u64 {
        self.counts[self.index(cell)]
    }

    /// Every cell, aggregates included, in row-major order (the order of [`Suppressed::published`]).
    pub fn cells(&self) -> Vec<Cell> {
        let mut cells = vec![Vec::new()];
        for dimension in &self.dimensions {
            cells = cells
                .into_iter()
                .flat_map(|prefix| (0..dimension.nodes()).map(move |i| [prefix.clone(), vec![i]].concat()))
                .collect();
        }
        cells
    }

    /// Whether the cell is a margin (some node is an aggregate or the total).
    pub fn is_margin(&self, cell: &[usize]) -> bool {
        cell.iter().zip(&self.dimensions).any(|(i, d)| d.is_aggregate(*i))
    }
}

/// What a release may do with a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellRule {
    /// Published unless suppression needs it.
    Free,
    /// Not part of this release (an interior cell of tables released as margins): never shown.
    NotReleased,
    /// Published by an earlier release: it stays published, so no pattern may move it.
    PublishedBefore,
    /// Suppressed by an earlier release: it stays suppressed.
    SuppressedBefore,
}

/// A published table: each cell's count, or `None` when suppressed or not released, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// For each cell (in [`CountTable::cells`] order): `Some(count)` published, `None` suppressed.
    pub published: Vec<Option<u64>>,
    /// Suppressed because small (primary), in the same order.
    pub primary: Vec<bool>,
}

/// Why a release could not be protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unprotectable {
    /// The cell whose small count no pattern could hide (earlier releases left nothing to move).
    pub cell: Cell,
}

/// Whether a count must be suppressed for itself.
pub fn is_primary(count: u64, threshold: u64) -> bool {
    count > 0 && count < threshold
}

/// A move of a cell: the cells of its core, each with its sign, and, for each linked dimension where the cell
/// is at the total, the leaves to choose from (one per dimension), each with the released cells it moves.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    core: Vec<(usize, i8)>,
    choices: Vec<Vec<Vec<(usize, i8)>>>,
}

/// Every pattern that moves `cell`: the product of one move per dimension, each member with its sign.
/// In the linked dimensions where the cell is at the total, the move of one leaf changes only the
/// released cells of that leaf over the core's cells at the total of every linked dimension (its other
/// cells are crossings, not released): the leaf is then a choice made when the pattern is used, not a
/// factor of the product.
fn patterns(table: &CountTable, cell: &[usize], everywhere: bool) -> Vec<Pattern> {
    let dimensions = &table.dimensions;
    let free: Vec<usize> =
        (0..dimensions.len()).filter(|k| table.linked[*k] && cell[*k] == dimensions[*k].total()).collect();
    let mut strides = vec![1usize; dimensions.len()];
    for k in (0..dimensions.len().saturating_sub(1)).rev() {
        strides[k] = strides[k + 1] * dimensions[k + 1].nodes();
    }
    let at_linked_totals = |index: usize| {
        (0..dimensions.len())
            .filter(|k| table.linked[*k])
            .all(|k| (index / strides[k]) % dimensions[k].nodes() == dimensions[k].total())
    };
    let mut cores: Vec<Vec<(usize, i8)>> = vec![vec![(0, 1)]];
    for (k, dimension) in dimensions.iter().enumerate() {
        let nodes = dimension.nodes();
        let moves =
            if free.contains(&k) { vec![vec![(dimension.total(), 1)]] } else { dimension.moves(cell[k], everywhere) };
        cores = cores
            .iter()
            .flat_map(|partial| {
                moves.iter().map(move |m| {
                    partial
                        .iter()
                        .flat_map(|(index, sign)| m.iter().map(move |(n, s)| (index * nodes + n, sign * s)))
                        .collect()
                })
            })
            .collect();
    }
    cores
        .into_iter()
        .map(|core| {
            let at_totals: Vec<(usize, i8)> = core.iter().filter(|(i, _)| at_linked_totals(*i)).copied().collect();
            let choices = if at_totals.is_empty() {
                Vec::new()
            } else {
                free.iter()
                    .map(|k| {
                        let total = dimensions[*k].total();
                        (0..dimensions[*k].leaves)
                            .map(|leaf| {
                                at_totals
                                    .iter()
                                    .map(|(i, s)| (i - total * strides[*k] + leaf * strides[*k], *s))
                                    .collect()
                            })
                            .collect()
                    })
                    .collect()
            };
            Pattern { core, choices }
        })
        .collect()
}

/// What a pattern costs: how total the most total cell it newly hides is (the number of dimensions at their
/// total: a table's grand total is hidden only when nothing else protects), the counts it newly hides (the
/// information lost, as tau-ARGUS weighs it), the cells, the margins among them, and (reversed) how far it
/// moves.
type PatternCost = (u8, u64, usize, usize, std::cmp::Reverse<u64>);

/// What one part of a pattern (its core, or one leaf of a choice) costs — the most total cell newly hidden,
/// the counts, cells and margins newly hidden — and how far it can move on `counts`, or `None` when it
/// cannot move at all. `levels` holds each cell's number of dimensions at their total.
fn part_cost(
    table: &CountTable,
    levels: &[u8],
    members: &[(usize, i8)],
    down: bool,
    suppressed: &[bool],
    counts: &[u64],
) -> Option<(u8, u64, usize, usize, u64)> {
    let mut room = u64::MAX;
    let (mut level, mut hidden, mut cells, mut margin_cells) = (0u8, 0u64, 0usize, 0usize);
    for (i, sign) in members {
        if (*sign > 0) == down {
            room = room.min(counts[*i]);
            if room == 0 {
                return None;
            }
        }
        if !suppressed[*i] {
            level = level.max(levels[*i]);
            hidden += table.counts[*i];
            cells += 1;
            margin_cells += usize::from(levels[*i] > 0);
        }
    }
    Some((level, hidden, cells, margin_cells, room))
}

/// Moves the cell by `need` in one direction with patterns applied one after the other (each a move that
/// changes nothing published once its cells are suppressed; their sum is one too), marking their cells
/// suppressed. Patterns through a cell published before are never used. Returns whether the whole move
/// was found. `counts` is the table's own, moved here and put back before returning.
fn protect(
    table: &CountTable,
    levels: &[u8],
    candidates: &[Pattern],
    need: u64,
    down: bool,
    suppressed: &mut [bool],
    counts: &mut [u64],
) -> bool {
    // The cheapest patterns first; when that greedy order runs out of room (a cheap pattern used first
    // can leave the others no room, mostly when earlier releases fixed most cells), the widest first.
    for widest_first in [false, true] {
        let before: Vec<bool> = suppressed.to_vec();
        if protect_in_order(table, levels, candidates, need, down, suppressed, counts, widest_first) {
            return true;
        }
        suppressed.copy_from_slice(&before);
    }
    false
}

#[allow(clippy::too_many_arguments)]
fn protect_in_order(
    table: &CountTable,
    levels: &[u8],
    candidates: &[Pattern],
    need: u64,
    down: bool,
    suppressed: &mut [bool],
    counts: &mut [u64],
    widest_first: bool,
) -> bool {
    let mut moved: Vec<(usize, u64)> = Vec::new();
    let mut left = need;
    let mut found = true;
    while left > 0 {
        let mut best: Option<(PatternCost, usize, Vec<usize>, u64)> = None;
        'candidates: for (n, pattern) in candidates.iter().enumerate() {
            let Some((mut level, mut hidden, mut cells, mut margin_cells, mut room)) =
                part_cost(table, levels, &pattern.core, down, suppressed, counts)
            else {
                continue;
            };
            let mut chosen = Vec::with_capacity(pattern.choices.len());
            for choice in &pattern.choices {
                if !widest_first && best.as_ref().is_some_and(|(b, ..)| (level, hidden) > (b.0, b.1)) {
                    continue 'candidates;
                }
                // The cheapest leaf of each choice (their costs add up; the move is the smallest room).
                let Some((leaf, (l, h, c, m, r))) = choice
                    .iter()
                    .enumerate()
                    .filter_map(|(leaf, members)| {
                        part_cost(table, levels, members, down, suppressed, counts).map(|cost| (leaf, cost))
                    })
                    .min_by_key(|(_, (l, h, c, m, r))| (*l, *h, *c, *m, std::cmp::Reverse(*r)))
                else {
                    continue 'candidates;
                };
                chosen.push(leaf);
                level = level.max(l);
                hidden += h;
                cells += c;
                margin_cells += m;
                room = room.min(r);
            }
            let cost = (level, hidden, cells, margin_cells, std::cmp::Reverse(room.min(left)));
            let better = |b: &PatternCost| if widest_first { (cost.4, cost) < (b.4, *b) } else { cost < *b };
            if best.as_ref().is_none_or(|(b, ..)| better(b)) {
                let free = cost.2 == 0 && room >= left;
                best = Some((cost, n, chosen, room));
                if free {
                    break;
                }
            }
        }
        let Some((_, n, chosen, room)) = best else {
            found = false;
            break;
        };
        let step = room.min(left);
        let pattern = &candidates[n];
        let parts =
            std::iter::once(&pattern.core).chain(pattern.choices.iter().zip(&chosen).map(|(c, leaf)| &c[*leaf]));
        for members in parts {
            for (index, sign) in members {
                suppressed[*index] = true;
                // The cells that move with the primary one go the same way.
                let with = (*sign > 0) == down;
                moved.push((*index, counts[*index]));
                counts[*index] = if with { counts[*index] - step } else { counts[*index].saturating_add(step) };
            }
        }
        left -= step;
    }
    for (index, before) in moved.into_iter().rev() {
        counts[index] = before;
    }
    found
}

/// Suppresses every small cell of a table released whole and, for each, the patterns that take it to 0
/// and to the threshold.
pub fn suppress(table: &CountTable, threshold: u64) -> Suppressed {
    let rules = vec![CellRule::Free; table.counts.len()];
    // A table released whole can always be protected: the pattern of a cell with every total moves it
    // down, and every leaf alone moves it up, with nothing published before to stop them.
    suppress_release(table, &rules, threshold).unwrap_or_else(|_| Suppressed {
        published: vec![None; table.counts.len()],
        primary: table.counts.iter().map(|c| is_primary(*c, threshold)).collect(),
    })
}

/// Suppresses a release: `rules` says, for each cell in [`CountTable::cells`] order, whether it is
/// released and what earlier releases decided for it.
pub fn suppress_release(table: &CountTable, rules: &[CellRule], threshold: u64) -> Result<Suppressed, Unprotectable> {
    let cells = table.cells();
    let levels: Vec<u8> = cells
        .iter()
        .map(|c| {
            let at_total = c.iter().zip(&table.dimensions).filter(|(n, d)| **n == d.total()).count();
            u8::try_from(at_total).unwrap_or(u8::MAX).max(u8::from(table.is_margin(c)))
        })
        .collect();
    let released = |i: usize| rules[i] != CellRule::NotReleased;
    let primary: Vec<bool> = (0..cells.len()).map(|i| released(i) && is_primary(table.counts[i], threshold)).collect();
    let mut suppressed: Vec<bool> = (0..cells.len())
        .map(|i| primary[i] || matches!(rules[i], CellRule::NotReleased | CellRule::SuppressedBefore))
        .collect();
    if let Some(i) = (0..cells.len()).find(|i| primary[*i] && rules[*i] == CellRule::PublishedBefore) {
        return Err(Unprotectable { cell: cells[i].clone() });
    }
    let mut counts = table.counts.clone();
    let grand_total = cells.len() - 1;
    // Smallest counts first: they are the hardest to protect and their patterns often protect others.
    let mut order: Vec<usize> = (0..cells.len()).filter(|i| primary[*i]).collect();
    order.sort_by_key(|i| (table.counts[*i], *i));
    for i in order {
        let count = table.counts[i];
        // A pattern through a cell published before cannot be used; a choice keeps the leaves that avoid
        // them. The crossings of linked margins are never members (see [`patterns`]): whatever the released
        // margins, some non-negative crossing adds up to them (each leaf's margins have the same total, and
        // margins with equal totals always have a joint table), so they constrain nothing an attacker can
        // infer.
        let usable = |members: &Vec<(usize, i8)>| members.iter().all(|(m, _)| rules[*m] != CellRule::PublishedBefore);
        let candidates = |everywhere: bool| -> Vec<Pattern> {
            patterns(table, &cells[i], everywhere)
                .into_iter()
                .filter(|pattern| usable(&pattern.core))
                .filter_map(|mut pattern| {
                    for choice in &mut pattern.choices {
                        choice.retain(usable);
                        if choice.is_empty() {
                            return None;
                        }
                    }
                    Some(pattern)
                })
                .collect()
        };
        // Against a neighbouring leaf first (a commune of the same arrondissement, province or CRI: fewer
        // patterns, fewer aggregates moved); when that hides the grand total, which readers need most,
        // against any leaf (a commune elsewhere), which leaves it published whenever it can.
        let before = (!suppressed[grand_total]).then(|| suppressed.clone());
        let near = candidates(false);
        let mut down = protect(table, &levels, &near, count, true, &mut suppressed, &mut counts);
        let mut up = protect(table, &levels, &near, threshold - count, false, &mut suppressed, &mut counts);
        if let Some(before) = before.filter(|_| suppressed[grand_total]) {
            let mut retried = before.clone();
            let far = candidates(true);
            let far_down = protect(table, &levels, &far, count, true, &mut retried, &mut counts);
            let far_up = protect(table, &levels, &far, threshold - count, false, &mut retried, &mut counts);
            if far_down && far_up && !retried[grand_total] {
                (down, up, suppressed) = (true, true, retried);
            }
        }
        if !(down && up) {
            return Err(Unprotectable { cell: cells[i].clone() });
        }
    }
    Ok(Suppressed {
        published: (0..cells.len()).map(|i| (!suppressed[i]).then_some(table.counts[i])).collect(),
        primary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every assignment of values from 0 to `cap` to `unknown` variables.
    fn each_assignment(unknown: usize, cap: u64, mut visit: impl FnMut(&[u64])) {
        let mut values = vec![0u64; unknown];
        loop {
            visit(&values);
            let mut k = 0;
            while k < unknown && values[k] == cap {
                values[k] = 0;
                k += 1;
            }
            if k == unknown {
                return;
            }
            values[k] += 1;
        }
    }

    /// Widens each suppressed cell's range with the value it takes in `candidate`.
    fn widen(ranges: &mut [Option<(u64, u64)>], published: &[Option<u64>], candidate: &CountTable) {
        for (i, cell) in candidate.cells().iter().enumerate() {
            if published[i].is_none() {
                let v = candidate.count(cell);
                ranges[i] = Some(ranges[i].map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
            }
        }
    }

    fn consistent(candidate: &CountTable, published: &[Option<u64>]) -> bool {
        candidate.counts.iter().zip(published).all(|(c, p)| p.is_none_or(|v| *c == v))
    }

    /// An exact attacker on a table released whole: every interior from 0 to `cap` in the suppressed
    /// interior cells that gives the published values, and the range each suppressed cell takes.
    fn attack(
        dimensions: &[Dimension],
        interior: &[u64],
        published: &[Option<u64>],
        cap: u64,
    ) -> Vec<Option<(u64, u64)>> {
        let truth = CountTable::new(dimensions.to_vec(), interior).expect("table");
        let cells = truth.cells();
        let leaves: Vec<usize> = dimensions.iter().map(|d| d.leaves).collect();
        let interior_index = |p: usize| {
            let mut rest = p;
            let mut cell = vec![0; leaves.len()];
            for k in (0..leaves.len()).rev() {
                cell[k] = rest % leaves[k];
                rest /= leaves[k];
            }
            truth.index(&cell)
        };
        let unknown: Vec<usize> = (0..interior.len()).filter(|p| published[interior_index(*p)].is_none()).collect();
        let mut ranges = vec![None; cells.len()];
        each_assignment(unknown.len(), cap, |values| {
            let mut candidate = interior.to_vec();
            for (p, v) in unknown.iter().zip(values) {
                candidate[*p] = *v;
            }
            let table = CountTable::new(dimensions.to_vec(), &candidate).expect("table");
            if consistent(&table, published) {
                widen(&mut ranges, published, &table);
            }
        });
        ranges
    }

    fn assert_safe(
        table: &CountTable,
        result: &Suppressed,
        ranges: &[Option<(u64, u64)>],
    ) -> Result<(), TestCaseError> {
        let cells = table.cells();
        for (i, published) in result.published.iter().enumerate() {
            if let Some(count) = published {
                prop_assert!(!is_primary(*count, 5), "{:?} published with {count}", cells[i]);
            }
            if let Some((lo, hi)) = ranges[i] {
                prop_assert!(!(lo >= 1 && hi <= 4), "{:?}: narrowed to {lo}..{hi}", cells[i]);
                if result.primary[i] {
                    prop_assert!(lo == 0 && hi >= 5, "{:?}: primary cell only {lo}..{hi}", cells[i]);
                }
            }
        }
        Ok(())
    }

    #[test]
    fn a_commune_with_three_obliged_persons_is_hidden_with_enough_others_and_the_total_stays() {
        // Communes × status (obliged, exempt): Hastière has 3 obliged.
        let table = CountTable::flat(&[3, 2], &[3, 12, 40, 25, 31, 9]).expect("table");
        let result = suppress(&table, 5);
        let cells = table.cells();
        let at = |cell: &[usize]| result.published[cells.iter().position(|c| c == cell).expect("cell")];
        assert_eq!(at(&[0, 0]), None, "3 is suppressed");
        assert_eq!(at(&[3, 2]), Some(120), "the grand total stays published");
        let hidden = result.published.iter().filter(|p| p.is_none()).count();
        assert_eq!(hidden, 4, "a rectangle: the cell and three others");
    }

    #[test]
    fn aggregates_that_do_not_nest_are_summed_and_protected_too() {
        // Four communes; arrondissements {0,1} and {2,3}; a CRI {1,2} across them.
        let territory = Dimension::with_aggregates(4, &[vec![0, 1], vec![2, 3], vec![1, 2]]).expect("territory");
        let status = Dimension::flat(2).expect("status");
        let interior = [3, 9, 8, 10, 7, 12, 20, 6];
        let table = CountTable::new(vec![territory.clone(), status.clone()], &interior).expect("table");
        assert_eq!(table.count(&[6, 2]), 8 + 10 + 7 + 12, "the CRI sums its two communes");
        let result = suppress(&table, 5);
        let ranges = attack(&[territory, status], &interior, &result.published, 8);
        assert_safe(&table, &result, &ranges).expect("safe");
    }

    /// Territory × sex and territory × age band, released together: the cube territory × sex × age with only
    /// its two-way margins released, against an exact attacker who sees both tables.
    fn linked_tables_are_safe(
        rows: usize,
        interior_a: Vec<u64>,
        interior_b: Vec<u64>,
        max_unknown: usize,
    ) -> Result<(), TestCaseError> {
        // Territory × sex and territory × age band, released together: the cube territory × sex × age
        // with only its two-way margins released. The interior is some split consistent with both.
        let (territory, sex, age) =
            (Dimension::flat(rows).expect("t"), Dimension::flat(2).expect("s"), Dimension::flat(2).expect("a"));
        let mut cube_interior = vec![0u64; rows * 4];
        for r in 0..rows {
            // Same row total in both tables: the age table takes the sex table's total, split as it can.
            let total: u64 = interior_a[r * 2] + interior_a[r * 2 + 1];
            let first_age = interior_b[r * 2].min(total);
            let mut age_left = [first_age, total - first_age];
            for s in 0..2 {
                let mut need = interior_a[r * 2 + s];
                for a in 0..2 {
                    let take = need.min(age_left[a]);
                    cube_interior[r * 4 + s * 2 + a] += take;
                    age_left[a] -= take;
                    need -= take;
                }
            }
        }
        let cube = CountTable::new(vec![territory.clone(), sex.clone(), age.clone()], &cube_interior)
            .expect("cube")
            .with_linked(&[1, 2]);
        let rules: Vec<CellRule> = cube
            .cells()
            .iter()
            .map(|c| if c[1] == 2 || c[2] == 2 { CellRule::Free } else { CellRule::NotReleased })
            .collect();
        let result = suppress_release(&cube, &rules, 5).expect("protected");
        // The attacker sees both tables: any two with the same territory margin come from some cube.
        let a_table = |interior: &[u64]| CountTable::new(vec![territory.clone(), sex.clone()], interior).expect("a");
        let b_table = |interior: &[u64]| CountTable::new(vec![territory.clone(), age.clone()], interior).expect("b");
        let truth_a = a_table(
            &cube
                .cells()
                .iter()
                .filter(|c| c[0] < rows && c[1] < 2 && c[2] == 2)
                .map(|c| cube.count(c))
                .collect::<Vec<_>>(),
        );
        let truth_b = b_table(
            &cube
                .cells()
                .iter()
                .filter(|c| c[0] < rows && c[1] == 2 && c[2] < 2)
                .map(|c| cube.count(c))
                .collect::<Vec<_>>(),
        );
        let at = |c: &[usize]| result.published[cube.index(c)];
        let published_a: Vec<Option<u64>> = truth_a.cells().iter().map(|c| at(&[c[0], c[1], 2])).collect();
        let published_b: Vec<Option<u64>> = truth_b.cells().iter().map(|c| at(&[c[0], 2, c[1]])).collect();
        for (cell, p) in cube.cells().iter().zip(&result.published) {
            if let Some(count) = p {
                prop_assert!(!is_primary(*count, 5), "{cell:?} published with {count}");
            }
        }
        let interior_of =
            |t: &CountTable| t.cells().iter().filter(|c| !t.is_margin(c)).map(|c| t.count(c)).collect::<Vec<_>>();
        let (known_a, known_b) = (interior_of(&truth_a), interior_of(&truth_b));
        let unknown_a: Vec<usize> =
            (0..rows * 2).filter(|p| published_a[truth_a.index(&[p / 2, p % 2])].is_none()).collect();
        let unknown_b: Vec<usize> =
            (0..rows * 2).filter(|p| published_b[truth_b.index(&[p / 2, p % 2])].is_none()).collect();
        // The exact search over `max_unknown` unknown cells at most (13 values each); larger cases rest on the
        // published-cell check.
        if unknown_a.len() + unknown_b.len() > max_unknown {
            return Ok(());
        }
        let mut ranges_a = vec![None; published_a.len()];
        let mut ranges_b = vec![None; published_b.len()];
        // A shared total is a sum of a row (at most 8 here) and moves by at most 4: every value stays within 12.
        each_assignment(unknown_a.len() + unknown_b.len(), 12, |values| {
            let (mut ia, mut ib) = (known_a.clone(), known_b.clone());
            for (p, v) in unknown_a.iter().zip(values) {
                ia[*p] = *v;
            }
            for (p, v) in unknown_b.iter().zip(&values[unknown_a.len()..]) {
                ib[*p] = *v;
            }
            let (a, b) = (a_table(&ia), b_table(&ib));
            let shared = (0..=rows).all(|r| a.count(&[r, 2]) == b.count(&[r, 2]));
            if shared && consistent(&a, &published_a) && consistent(&b, &published_b) {
                widen(&mut ranges_a, &published_a, &a);
                widen(&mut ranges_b, &published_b, &b);
            }
        });
        let primary_a: Vec<bool> = truth_a.cells().iter().map(|c| is_primary(truth_a.count(c), 5)).collect();
        let primary_b: Vec<bool> = truth_b.cells().iter().map(|c| is_primary(truth_b.count(c), 5)).collect();
        assert_safe(&truth_a, &Suppressed { published: published_a, primary: primary_a }, &ranges_a)?;
        assert_safe(&truth_b, &Suppressed { published: published_b, primary: primary_b }, &ranges_b)?;
        Ok(())
    }

    #[test]
    fn a_row_total_shared_by_two_tables_can_be_moved_to_zero_through_the_other() {
        // Found by the property test: the second table puts the whole row in one age band, so the protecting
        // table has a shared total of 9 in the other row (beyond a search capped at 8).
        linked_tables_are_safe(2, vec![3, 4, 2, 0], vec![0, 0, 0, 0], 6).expect("safe");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn no_small_count_is_published_and_an_exact_attacker_cannot_narrow_one_into_one_to_four(
            (rows, cols, interior) in (1usize..=2, 2usize..=3)
                .prop_flat_map(|(r, c)| (Just(r), Just(c), proptest::collection::vec(0u64..=4, r * c)))
        ) {
            let dimensions = vec![Dimension::flat(rows).expect("rows"), Dimension::flat(cols).expect("cols")];
            let table = CountTable::new(dimensions.clone(), &interior).expect("table");
            let result = suppress(&table, 5);
            // Counts of at most 4 moved by at most 5 stay within 0..=8.
            let ranges = attack(&dimensions, &interior, &result.published, 8);
            assert_safe(&table, &result, &ranges)?;
        }

        #[test]
        fn three_dimensional_tables_publish_no_small_count_and_keep_their_small_cells_unrecoverable(
            interior in proptest::collection::vec(0u64..=4, 8)
        ) {
            let dimensions = vec![Dimension::flat(2).expect("d"); 3];
            let table = CountTable::new(dimensions.clone(), &interior).expect("table");
            let result = suppress(&table, 5);
            let unknown = table.cells().iter().zip(&result.published)
                .filter(|(c, p)| !table.is_margin(c) && p.is_none()).count();
            // Five unknown cells at most keep the exact search small (9^5 tables); the published-cells check
            // runs whatever the size.
            let ranges = if unknown <= 5 { attack(&dimensions, &interior, &result.published, 8) } else { vec![None; result.published.len()] };
            assert_safe(&table, &result, &ranges)?;
        }

        #[test]
        fn two_tables_sharing_their_territory_margin_are_suppressed_together(
            (rows, interior_a, interior_b) in (1usize..=2)
                .prop_flat_map(|r| (Just(r), proptest::collection::vec(0u64..=4, r * 2), proptest::collection::vec(0u64..=4, r * 2)))
        ) {
            linked_tables_are_safe(rows, interior_a, interior_b, 5)?;
        }

        #[test]
        fn a_year_released_after_its_quarters_unmasks_none_of_them(
            interior in proptest::collection::vec(0u64..=4, 6)
        ) {
            // Two quarters of three categories, each released on its own, then the year with both.
            let categories = Dimension::flat(3).expect("categories");
            let quarters: Vec<Suppressed> = (0..2)
                .map(|q| suppress(&CountTable::new(vec![categories.clone()], &interior[q * 3..q * 3 + 3]).expect("quarter"), 5))
                .collect();
            let period = Dimension::flat(2).expect("period");
            let year = CountTable::new(vec![period.clone(), categories.clone()], &interior).expect("year");
            let rules: Vec<CellRule> = year.cells().iter().map(|c| match c[0] {
                2 => CellRule::Free,
                q => if quarters[q].published[c[1]].is_some() { CellRule::PublishedBefore } else { CellRule::SuppressedBefore },
            }).collect();
            let released = suppress_release(&year, &rules, 5).expect("protected");
            for (cell, p) in year.cells().iter().zip(&released.published) {
                if cell[0] < 2 {
                    prop_assert_eq!(p.is_some(), quarters[cell[0]].published[cell[1]].is_some(), "{:?} changed", cell);
                }
            }
            // The attacker holds the three releases; the year's quarter cells repeat the quarters'. Five
            // unknown cells at most keep the exact search small; the checks above run whatever the size.
            let unknown = year.cells().iter().zip(&released.published)
                .filter(|(c, p)| !year.is_margin(c) && p.is_none()).count();
            let ranges = if unknown <= 5 { attack(&[period, categories], &interior, &released.published, 8) } else { vec![None; released.published.len()] };
            assert_safe(&year, &released, &ranges)?;
        }
    }
}
