//! Installs the panic hook and mounts the app; everything else lives in the library.

fn main() {
    seqmix::ui::panic::install_panic_hook();
    leptos::mount::mount_to_body(seqmix::ui::app::App);
}
