//! Where things are on the stage, in SVG user units. Shared by the stage component (which draws
//! the nodes) and the animator (which moves message tokens between them).

use saga_sim::ServiceId;

/// The stage's viewBox: 1000 wide, 360 high. Spelled out as text, since formatting floats
/// would link Rust's float formatting into the WebAssembly (about 5 KB gzipped).
pub const VIEW_BOX: &str = "0 0 1000 360";

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
}

/// The client, left of Order.
pub const CLIENT: NodeBox = NodeBox { cx: 52.0, cy: 180.0, w: 84.0, h: 64.0 };
/// The bus, in the middle.
pub const BUS: NodeBox = NodeBox { cx: 505.0, cy: 180.0, w: 170.0, h: 320.0 };
/// The bus when a coordinator sits above it.
pub const BUS_UNDER_COORDINATOR: NodeBox = NodeBox { cx: 505.0, cy: 226.0, w: 170.0, h: 252.0 };
/// The coordinator, above the bus.
pub const COORDINATOR: NodeBox = NodeBox { cx: 505.0, cy: 30.0, w: 230.0, h: 48.0 };

/// The bus's box for a stage with or without a coordinator.
pub const fn bus(coordinator: bool) -> NodeBox {
    if coordinator { BUS_UNDER_COORDINATOR } else { BUS }
}

/// A service's box.
pub const fn service_box(s: ServiceId) -> NodeBox {
    match s {
        ServiceId::Order => NodeBox { cx: 215.0, cy: 180.0, w: 160.0, h: 120.0 },
        ServiceId::Product => NodeBox { cx: 855.0, cy: 92.0, w: 160.0, h: 120.0 },
        ServiceId::Delivery => NodeBox { cx: 855.0, cy: 268.0, w: 160.0, h: 120.0 },
        ServiceId::Coordinator => COORDINATOR,
    }
}

/// Vertical distance between a link's two lanes (to the bus above, from the bus below).
pub const LANE_GAP: f64 = 13.0;

/// The x at the service end and at the bus end of a service's link.
pub fn link_ends(s: ServiceId) -> (f64, f64) {
    let b = service_box(s);
    if b.cx < BUS.cx { (b.right(), BUS.left()) } else { (b.left(), BUS.right()) }
}

/// The y of the lane carrying messages towards the bus (`to_bus`) or away from it.
pub fn lane_y(s: ServiceId, to_bus: bool) -> f64 {
    let y = service_box(s).cy;
    if to_bus { y - LANE_GAP } else { y + LANE_GAP }
}

/// The point a fraction `p` of the way along a lane.
pub fn along(s: ServiceId, to_bus: bool, p: f64) -> (f64, f64) {
    if s == ServiceId::Coordinator {
        // A vertical link from the coordinator's bottom to the top of the bus below it.
        let (top, bottom) = (COORDINATOR.cy + COORDINATOR.h / 2.0, BUS_UNDER_COORDINATOR.top());
        let p = p.clamp(0.0, 1.0);
        let y = if to_bus { top + (bottom - top) * p } else { bottom + (top - bottom) * p };
        return (COORDINATOR.cx + if to_bus { -LANE_GAP } else { LANE_GAP }, y);
    }
    let (service_x, bus_x) = link_ends(s);
    let p = p.clamp(0.0, 1.0);
    let x = if to_bus { service_x + (bus_x - service_x) * p } else { bus_x + (service_x - bus_x) * p };
    (x, lane_y(s, to_bus))
}

/// The ends of the coordinator's command link to a participant: (at the coordinator, at the
/// participant).
pub fn command_link(s: ServiceId) -> ((f64, f64), (f64, f64)) {
    let c = COORDINATOR;
    let b = service_box(s);
    match s {
        ServiceId::Order => ((c.left() + 20.0, c.cy + c.h / 2.0), (b.cx + 30.0, b.top())),
        ServiceId::Product => ((c.right(), c.cy), (b.left(), b.top() + 24.0)),
        _ => ((c.right() - 24.0, c.cy + c.h / 2.0), (b.left(), b.top() + 14.0)),
    }
}

/// The path a TCC participant's sweeper asks Order along: out of the participant, through the
/// corridor between the coordinator and the bus, down to Order.
pub fn query_path(s: ServiceId) -> [(f64, f64); 4] {
    let b = service_box(s);
    let corridor = (COORDINATOR.cy + COORDINATOR.h / 2.0 + BUS_UNDER_COORDINATOR.top()) / 2.0;
    let order = service_box(ServiceId::Order);
    let start = if s == ServiceId::Delivery { (b.left() + 20.0, b.top()) } else { (b.left(), corridor) };
    [start, (BUS.right() + 40.0, corridor), (order.right() - 10.0, corridor), (order.right() - 10.0, order.top())]
}

/// The point a fraction `p` along a sweeper's query path, towards Order (`outbound`) or back.
pub fn along_query(s: ServiceId, outbound: bool, p: f64) -> (f64, f64) {
    let pts = query_path(s);
    let seg = |i: usize| {
        let ((x0, y0), (x1, y1)) = (pts[i], pts[i + 1]);
        ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).sqrt()
    };
    let total: f64 = (0..3).map(seg).sum();
    let mut d = p.clamp(0.0, 1.0) * total;
    if !outbound {
        d = total - d;
    }
    let side = if outbound { -5.0 } else { 5.0 };
    for i in 0..3 {
        let len = seg(i);
        if d <= len || i == 2 {
            let t = if len > 0.0 { (d / len).min(1.0) } else { 0.0 };
            let ((x0, y0), (x1, y1)) = (pts[i], pts[i + 1]);
            let (nx, ny) = (-(y1 - y0) / len.max(1.0) * side, (x1 - x0) / len.max(1.0) * side);
            return (x0 + (x1 - x0) * t + nx, y0 + (y1 - y0) * t + ny);
        }
        d -= len;
    }
    pts[3]
}

/// The point a fraction `p` along the command link to `s`, going towards the participant
/// (`outbound`) or back, each direction on its own side of the line.
pub fn along_command(s: ServiceId, outbound: bool, p: f64) -> (f64, f64) {
    let ((x0, y0), (x1, y1)) = command_link(s);
    let p = p.clamp(0.0, 1.0);
    let (dx, dy) = (x1 - x0, y1 - y0);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let side = if outbound { 6.0 } else { -6.0 };
    let (nx, ny) = (-dy / len * side, dx / len * side);
    let t = if outbound { p } else { 1.0 - p };
    (x0 + dx * t + nx, y0 + dy * t + ny)
}
