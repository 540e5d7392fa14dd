//! The app's components, one per file.

pub mod bus_log;
pub mod cells;
pub mod compare_panel;
pub mod consistency_panel;
pub mod dead_letters_table;
pub mod deliveries_table;
pub mod delivery_options;
pub mod enlarge_button;
pub mod event_detail;
pub mod event_log;
pub mod fast_forward_form;
pub mod fault_panel;
pub mod help_overlay;
pub mod notice_bar;
pub mod order_form;
pub mod orders_table;
pub mod outbox_panel;
pub mod sagas_table;
pub mod settings_panel;
pub mod stage;
pub mod stock_row;
pub mod stock_table;
pub mod tables;
pub mod toolbar;
pub mod tx_table;
pub mod weather_form;
