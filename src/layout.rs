//! Where things are on the stage, in SVG user units. Shared by the stage markup (which draws the
//! nodes) and the animator (which places message tokens between them).
//!
//! The stage is drawn so that it reads from the back of a classroom: every label is at least
//! [`TEXT`] units high, and the wide arrangement is about as many units wide as the stage is
//! pixels wide on a 1280-pixel projector, so a unit is about a pixel there (and more on a larger
//! screen). Links between the services and the bus are vertical *pipes*: a message token is a
//! labelled pill, and pills queue one above the other inside a pipe, so many messages on one
//! link stay readable instead of piling up on a line. Commands that the coordinator sends
//! directly (not through the bus) run on a *rail* of two tracks above the nodes.
//!
//! Two arrangements: [`Arrangement::Wide`] puts every node in one row above the bus, for screens
//! and projectors; [`Arrangement::Tall`] puts half the nodes above the bus and half below, for a
//! phone held upright.
//!
//! Payment and Points, the participants a TCC or 2PC run may add, read no bus and take only the
//! coordinator's commands: they are compact boxes with no pipe, reached from the rail down the
//! stage's edge. On a wide stage they sit under the client, in room no other node uses, so adding
//! them makes the stage neither wider nor taller and its labels keep their size.

use saga_sim::ServiceId;

/// Height of every label on the stage, in units (CSS sets the same). At 1280 pixels the wide
/// stage draws about 0.92 pixels per unit, so this is at least 14 pixels there.
pub const TEXT: f64 = 16.0;
/// Distance between two lines of text in a node.
pub const LINE: f64 = 20.0;
/// A token pill's height.
pub const PILL_H: f64 = 22.0;
/// Space kept between two pills.
pub const PILL_GAP: f64 = 3.0;
/// Width of a node box.
pub const NODE_W: f64 = 190.0;
/// Height of a node box: a title and five lines.
pub const NODE_H: f64 = 6.0 * LINE + 10.0;
/// Height of an added participant's compact box: a title and one line.
pub const EXTRA_H: f64 = 2.0 * LINE + 16.0;
/// Width of an added participant's compact box on the wide stage (the client's width).
pub const EXTRA_W: f64 = CLIENT_W;
/// Width of the lane at the wide stage's left edge that reaches the added participants.
const EDGE_LANE: f64 = 10.0;
/// Height of the bus band.
const BUS_H: f64 = 86.0;
/// Length of a pipe between a node and the bus.
const PIPE_LEN: f64 = 126.0;
/// Height of the rail band above the nodes (two tracks).
const RAIL_H: f64 = 50.0;
/// Width of the client's box in the wide arrangement.
const CLIENT_W: f64 = 120.0;
/// Margin around the stage's content.
const MARGIN: f64 = 6.0;
/// Width of a bus record's slot.
pub const SLOT_W: f64 = 196.0;
/// Width of the dead-letter queue's box at the right end of the bus band.
const DLQ_W: f64 = 96.0;

/// How the nodes are arranged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrangement {
    /// One row of nodes above the bus: screens and projectors.
    Wide,
    /// Nodes above and below the bus: a phone held upright.
    Tall,
}

/// A box on the stage: centre and size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeBox {
    /// Centre x.
    pub cx: f64,
    /// Centre y.
    pub cy: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl NodeBox {
    fn at(left: f64, top: f64, w: f64, h: f64) -> NodeBox {
        NodeBox { cx: left + w / 2.0, cy: top + h / 2.0, w, h }
    }
    /// Left edge.
    pub fn left(&self) -> f64 {
        self.cx - self.w / 2.0
    }
    /// Right edge.
    pub fn right(&self) -> f64 {
        self.cx + self.w / 2.0
    }
    /// Top edge.
    pub fn top(&self) -> f64 {
        self.cy - self.h / 2.0
    }
    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.cy + self.h / 2.0
    }
}

/// A pipe between a node and the bus: a vertical column in which that node's messages travel,
/// both ways.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pipe {
    /// The column's centre x.
    pub cx: f64,
    /// y where the pipe meets the node.
    pub node_y: f64,
    /// y where the pipe meets the bus.
    pub bus_y: f64,
}

impl Pipe {
    /// The y a fraction `p` of the way from the node to the bus (`to_bus`) or back.
    pub fn y(&self, to_bus: bool, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        let (from, to) = if to_bus { (self.node_y, self.bus_y) } else { (self.bus_y, self.node_y) };
        from + (to - from) * p
    }
    /// The highest and lowest centre a pill can take and still lie wholly inside the pipe.
    pub fn span(&self) -> (f64, f64) {
        let (a, b) = (self.node_y.min(self.bus_y), self.node_y.max(self.bus_y));
        (a + PILL_H / 2.0 + 2.0, b - PILL_H / 2.0 - 2.0)
    }
}

/// The whole stage's geometry for one arrangement and set of nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Geometry {
    /// The arrangement.
    pub arrangement: Arrangement,
    /// Width in units.
    pub width: f64,
    /// Height in units.
    pub height: f64,
    /// The client's box.
    pub client: NodeBox,
    /// Each node's box, by `ServiceId::index()`; `None` for a node not in play.
    nodes: [Option<NodeBox>; ServiceId::COUNT],
    /// The bus band.
    pub bus: NodeBox,
    /// The dead-letter queue's box, at the right end of the bus band.
    pub dlq: NodeBox,
    /// The rail's two tracks (commands out, answers back), when a coordinator sends commands.
    pub rail: Option<[f64; 2]>,
}

impl Geometry {
    /// The geometry for `nodes` (the services in play, with the coordinator if there is one).
    pub fn new(arrangement: Arrangement, nodes: &[ServiceId]) -> Geometry {
        let coordinator = nodes.contains(&ServiceId::Coordinator);
        match arrangement {
            Arrangement::Wide => Geometry::wide(nodes, coordinator),
            Arrangement::Tall => Geometry::tall(nodes, coordinator),
        }
    }

    fn wide(nodes: &[ServiceId], coordinator: bool) -> Geometry {
        // Order, then the coordinator (between the one who asks and those who do the work),
        // then Product and Delivery.
        let order: Vec<ServiceId> = [ServiceId::Order, ServiceId::Coordinator, ServiceId::Product, ServiceId::Delivery]
            .into_iter()
            .filter(|s| nodes.contains(s))
            .collect();
        let top = if coordinator { RAIL_H + 4.0 } else { MARGIN };
        // As wide as the nodes need: three services draw larger than four on the same screen.
        let n = order.len().max(1) as f64;
        let gap = 26.0;
        let extras: Vec<ServiceId> = ServiceId::EXTRA_PARTICIPANTS.into_iter().filter(|s| nodes.contains(s)).collect();
        let lane = if extras.is_empty() { 0.0 } else { EDGE_LANE };
        let client = NodeBox::at(MARGIN + lane, top, CLIENT_W, NODE_H);
        let first = client.right() + 14.0;
        let width = first + n * NODE_W + (n - 1.0) * gap + MARGIN;
        let mut boxes = [None; ServiceId::COUNT];
        for (i, s) in order.iter().enumerate() {
            boxes[s.index()] = Some(NodeBox::at(first + i as f64 * (NODE_W + gap), top, NODE_W, NODE_H));
        }
        // Under the client, between the node row and the bus: the client has no pipe there.
        for (i, s) in extras.iter().enumerate() {
            let y = client.bottom() + 4.0 + i as f64 * (EXTRA_H + 6.0);
            boxes[s.index()] = Some(NodeBox::at(client.left(), y, EXTRA_W, EXTRA_H));
        }
        let bus_top = top + NODE_H + PIPE_LEN;
        let bus = NodeBox::at(MARGIN, bus_top, width - 2.0 * MARGIN, BUS_H);
        let dlq = NodeBox::at(bus.right() - DLQ_W - 6.0, bus_top + 30.0, DLQ_W, BUS_H - 36.0);
        Geometry {
            arrangement: Arrangement::Wide,
            width,
            height: bus.bottom() + MARGIN,
            client,
            nodes: boxes,
            bus,
            dlq,
            rail: coordinator.then_some([15.0, 37.0]),
        }
    }

    fn tall(nodes: &[ServiceId], coordinator: bool) -> Geometry {
        // As narrow as two columns allow, so a 360-pixel phone still draws labels at 14 px.
        const MARGIN: f64 = 2.0;
        let width = 2.0 * NODE_W + 6.0 + 2.0 * MARGIN;
        let col = |i: usize| MARGIN + i as f64 * (NODE_W + 6.0);
        let rail_h = if coordinator { RAIL_H } else { 0.0 };
        let client = NodeBox::at(MARGIN, rail_h + MARGIN, width - 2.0 * MARGIN, 30.0);
        let top = client.bottom() + 8.0;
        let bus_top = top + NODE_H + PIPE_LEN;
        let bus = NodeBox::at(MARGIN, bus_top, width - 2.0 * MARGIN, BUS_H);
        let bottom = bus.bottom() + PIPE_LEN;
        // Above the bus: Order and the coordinator (or Product, in the choreography); below:
        // the rest.
        let mut boxes = [None; ServiceId::COUNT];
        boxes[ServiceId::Order.index()] = Some(NodeBox::at(col(0), top, NODE_W, NODE_H));
        let (beside_order, below) = if coordinator {
            (ServiceId::Coordinator, [ServiceId::Product, ServiceId::Delivery])
        } else {
            (ServiceId::Product, [ServiceId::Delivery, ServiceId::Coordinator])
        };
        if nodes.contains(&beside_order) {
            boxes[beside_order.index()] = Some(NodeBox::at(col(1), top, NODE_W, NODE_H));
        }
        let below: Vec<ServiceId> = below.into_iter().filter(|s| nodes.contains(s)).collect();
        for (i, s) in below.iter().enumerate() {
            // A lone node below sits under the column that has room for it.
            let c = if below.len() == 1 { 1 } else { i };
            boxes[s.index()] = Some(NodeBox::at(col(c), bottom, NODE_W, NODE_H));
        }
        // The added participants: a row of their own at the bottom.
        let extras_top = boxes.iter().flatten().map(|b| b.bottom()).fold(bus.bottom(), f64::max) + 10.0;
        let extras = ServiceId::EXTRA_PARTICIPANTS.into_iter().filter(|s| nodes.contains(s));
        for (i, s) in extras.enumerate() {
            boxes[s.index()] = Some(NodeBox::at(col(i), extras_top, NODE_W, EXTRA_H));
        }
        let lowest = boxes.iter().flatten().map(|b| b.bottom()).fold(bus.bottom(), f64::max);
        let dlq = NodeBox::at(bus.right() - DLQ_W - 6.0, bus_top + 30.0, DLQ_W, BUS_H - 36.0);
        Geometry {
            arrangement: Arrangement::Tall,
            width,
            height: lowest + MARGIN,
            client,
            nodes: boxes,
            bus,
            dlq,
            rail: coordinator.then_some([15.0, 37.0]),
        }
    }

    /// The viewBox attribute.
    pub fn view_box(&self) -> String {
        format!("0 0 {} {}", crate::format::fixed(self.width, 0), crate::format::fixed(self.height, 0))
    }

    /// A node's box, if it is on the stage.
    pub fn node(&self, s: ServiceId) -> Option<NodeBox> {
        self.nodes[s.index()]
    }

    /// The pipe between a node and the bus (none for a node that reads no bus).
    pub fn pipe(&self, s: ServiceId) -> Option<Pipe> {
        if !s.reads_bus() {
            return None;
        }
        let b = self.node(s)?;
        Some(if b.cy < self.bus.cy {
            Pipe { cx: b.cx, node_y: b.bottom(), bus_y: self.bus.top() }
        } else {
            Pipe { cx: b.cx, node_y: b.top(), bus_y: self.bus.bottom() }
        })
    }

    /// The x where a node's rail connector leaves the rail (commands reach it from there).
    pub fn rail_x(&self, s: ServiceId) -> Option<f64> {
        let b = self.node(s)?;
        // A node below the bus (the tall arrangement) is reached down the stage's edge nearest
        // to it.
        if b.cy > self.bus.cy {
            return Some(if b.cx < self.width / 2.0 { MARGIN } else { self.width - MARGIN });
        }
        // A participant under the client (the wide arrangement): down the lane at the left edge.
        if self.arrangement == Arrangement::Wide && b.top() >= self.client.bottom() {
            return Some(MARGIN + EDGE_LANE / 2.0);
        }
        Some(b.cx)
    }

    /// Whether a node's rail connector comes down beside it and in at its side (it is reached
    /// down an edge of the stage) rather than straight down onto its top.
    pub fn reached_from_side(&self, s: ServiceId) -> bool {
        match (self.node(s), self.rail_x(s)) {
            (Some(b), Some(x)) => x < b.left() || x > b.right(),
            _ => false,
        }
    }

    /// The rail's extent: the x a command token's centre may take on a track.
    pub fn rail_span(&self) -> (f64, f64) {
        (MARGIN, self.width - MARGIN)
    }

    /// How many bus records fit in the bus band, one row of slots left of the DLQ box.
    pub fn bus_slots(&self) -> usize {
        let room = self.dlq.left() - self.bus.left() - 12.0;
        ((room / SLOT_W).floor() as usize).max(1)
    }

    /// The centre of the bus record slot `i` (0 = oldest shown), and its width.
    pub fn bus_slot(&self, i: usize) -> (f64, f64, f64) {
        let n = self.bus_slots() as f64;
        let room = self.dlq.left() - self.bus.left() - 12.0;
        let w = (room / n).min(SLOT_W + 20.0);
        (self.bus.left() + 8.0 + w * (i as f64 + 0.5), self.bus.top() + 44.0, w - 6.0)
    }

    /// Where the client's request line meets Order.
    pub fn client_link(&self) -> Option<((f64, f64), (f64, f64))> {
        let order = self.node(ServiceId::Order)?;
        let c = self.client;
        Some(match self.arrangement {
            Arrangement::Wide => ((c.right(), c.cy), (order.left(), c.cy)),
            Arrangement::Tall => ((order.cx, c.bottom()), (order.cx, order.top())),
        })
    }
}

/// About how wide `text` is at the stage's label size in regular weight, without measuring it:
/// measured on DejaVu Sans (among the widest Latin faces a browser falls back to) and rounded
/// up; Hangul counts as wide as Malgun Gothic draws it. A label that fits by this measure fits
/// on screen.
pub fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | 't' | 'f' | 'r' | '.' | ',' | ':' | ';' | '\'' | '|' | ' ' | '!' | '(' | ')' => 5.6,
            'm' | 'w' | 'M' | 'W' | '@' | '%' => 15.0,
            c if c.is_ascii_uppercase() => 11.0,
            c if c.is_ascii_digit() => 10.3,
            c if c.is_ascii() => 9.2,
            // Arrows, bullets, ticks and other symbols.
            '\u{2000}'..='\u{2BFF}' => 14.0,
            _ => 16.5,
        })
        .sum()
}

/// The same for bold text (titles, status lines), which DejaVu draws about 13 % wider.
pub fn bold_width(text: &str) -> f64 {
    text_width(text) * 1.13
}

/// A pill's width for `label`.
pub fn pill_width(label: &str) -> f64 {
    text_width(label) + 14.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const WITH: [ServiceId; ServiceId::COUNT] = ServiceId::NODES;
    const WITHOUT: [ServiceId; 3] = ServiceId::ALL;
    /// Every set of nodes a run can have in play.
    const SETS: [&[ServiceId]; 5] = [
        &WITH,
        &WITH_COORDINATOR,
        &WITHOUT,
        &[ServiceId::Order, ServiceId::Product, ServiceId::Delivery, ServiceId::Coordinator, ServiceId::Payment],
        &[ServiceId::Order, ServiceId::Product, ServiceId::Delivery, ServiceId::Coordinator],
    ];
    const WITH_COORDINATOR: [ServiceId; 4] =
        [ServiceId::Order, ServiceId::Product, ServiceId::Delivery, ServiceId::Coordinator];

    fn overlaps(a: &NodeBox, b: &NodeBox) -> bool {
        a.left() < b.right() && b.left() < a.right() && a.top() < b.bottom() && b.top() < a.bottom()
    }

    #[test]
    fn no_two_boxes_overlap_and_all_fit_the_stage() {
        for arr in [Arrangement::Wide, Arrangement::Tall] {
            for nodes in SETS {
                let g = Geometry::new(arr, nodes);
                let mut boxes: Vec<NodeBox> = nodes.iter().filter_map(|&s| g.node(s)).collect();
                assert_eq!(boxes.len(), nodes.len(), "{arr:?}: every node placed");
                boxes.push(g.client);
                boxes.push(g.bus);
                for (i, a) in boxes.iter().enumerate() {
                    assert!(a.left() >= 0.0 && a.right() <= g.width && a.top() >= 0.0 && a.bottom() <= g.height);
                    for b in &boxes[i + 1..] {
                        assert!(!overlaps(a, b), "{arr:?} {nodes:?}: {a:?} overlaps {b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn pipes_hold_several_pills_and_never_cross_another_node() {
        for arr in [Arrangement::Wide, Arrangement::Tall] {
            for nodes in SETS {
                let g = Geometry::new(arr, nodes);
                for &s in nodes {
                    let Some(p) = g.pipe(s) else {
                        assert!(!s.reads_bus(), "{arr:?}: {s:?} reads the bus and has no pipe");
                        continue;
                    };
                    let (lo, hi) = p.span();
                    assert!(hi - lo >= 4.0 * (PILL_H + PILL_GAP), "{arr:?} {s:?}: room for five pills");
                    let column = NodeBox { cx: p.cx, cy: (lo + hi) / 2.0, w: NODE_W, h: hi - lo + PILL_H };
                    for &other in nodes {
                        assert!(!overlaps(&column, &g.node(other).unwrap()), "{arr:?}: {s:?}'s pipe crosses {other:?}");
                    }
                    assert!(!overlaps(&column, &g.bus) && !overlaps(&column, &g.client));
                }
            }
        }
    }

    #[test]
    fn the_added_participants_take_no_room_from_the_wide_stage() {
        // Under the client, in room no other node uses: the stage is no taller, and wider only
        // by the lane that reaches them, so its labels keep their size.
        let (four, six) =
            (Geometry::new(Arrangement::Wide, &WITH_COORDINATOR), Geometry::new(Arrangement::Wide, &WITH));
        assert_eq!(six.height, four.height);
        assert!(six.width <= four.width + EDGE_LANE);
        for s in ServiceId::EXTRA_PARTICIPANTS {
            let b = six.node(s).unwrap();
            assert!(
                b.bottom() < six.bus.top() && b.top() > six.client.bottom(),
                "{s:?} between the client and the bus"
            );
            // Reached down the lane left of every box: its connector crosses nothing.
            let x = six.rail_x(s).unwrap();
            assert!(six.reached_from_side(s) && x < six.client.left() && x > six.bus.left());
        }
        for arr in [Arrangement::Wide, Arrangement::Tall] {
            let g = Geometry::new(arr, &WITH);
            let lane_xs: Vec<f64> = WITH.iter().filter_map(|&s| g.rail_x(s)).collect();
            assert_eq!(lane_xs.len(), WITH.len(), "{arr:?}: every node is reached from the rail");
        }
    }

    #[test]
    fn the_wide_stage_is_about_a_projector_stage_wide() {
        let g = Geometry::new(Arrangement::Wide, &WITH);
        // At 1280x720 the stage is about 880 pixels wide and at most 360 high (the CSS leaves the
        // rest to the panels): 16 units draw at 14 pixels or more.
        let scale = (880.0 / g.width).min(360.0 / g.height);
        assert!(TEXT * scale >= 14.0, "{} x {}", g.width, g.height);
        assert!(Geometry::new(Arrangement::Wide, &WITHOUT).width < g.width);
        assert!(g.height < g.width / 2.0, "short enough to leave room below it");
        // A 360-pixel phone draws the upright stage about 343 pixels wide: still 14 pixels.
        assert!(TEXT * 343.0 / Geometry::new(Arrangement::Tall, &WITH).width >= 14.0);
    }

    #[test]
    fn the_longest_event_name_fits_a_pipe() {
        assert!(pill_width("ProductOutOfStock") <= NODE_W - 8.0);
        assert!(pill_width("↩ DeliveryCancelled") <= NODE_W - 8.0);
        assert!(text_width("아웃박스") > text_width("outbox"));
    }
}
