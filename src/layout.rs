//! Where things are on the stage, in SVG user units. Shared by the stage component (which draws
//! the nodes) and the animator (which moves message tokens between them).

use saga_sim::ServiceId;

/// The stage's viewBox width.
pub const WIDTH: f64 = 1000.0;
/// The stage's viewBox height.
pub const HEIGHT: f64 = 360.0;

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

/// A service's box.
pub const fn service_box(s: ServiceId) -> NodeBox {
    match s {
        ServiceId::Order => NodeBox { cx: 215.0, cy: 180.0, w: 160.0, h: 120.0 },
        ServiceId::Product => NodeBox { cx: 855.0, cy: 92.0, w: 160.0, h: 120.0 },
        ServiceId::Delivery => NodeBox { cx: 855.0, cy: 268.0, w: 160.0, h: 120.0 },
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
    let (service_x, bus_x) = link_ends(s);
    let p = p.clamp(0.0, 1.0);
    let x = if to_bus { service_x + (bus_x - service_x) * p } else { bus_x + (service_x - bus_x) * p };
    (x, lane_y(s, to_bus))
}
