//! Canvas set-up shared by every chart: size the backing store for `devicePixelRatio`
//! so lines and text stay sharp, and hand plotters a backend.

use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// A plotters backend on `canvas`, sized to its CSS box times the device pixel ratio.
/// Returns the backend and the ratio (multiply font sizes and line widths by it).
/// `None` when the canvas is not laid out (e.g. hidden) or has no 2-D context.
pub fn backend_for(canvas: &HtmlCanvasElement) -> Option<(CanvasBackend, f64)> {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 4.0);
    let rect = canvas.get_bounding_client_rect();
    if rect.width() < 1.0 || rect.height() < 1.0 {
        return None;
    }
    canvas.set_width((rect.width() * ratio).round() as u32);
    canvas.set_height((rect.height() * ratio).round() as u32);
    CanvasBackend::with_canvas_object(canvas.clone()).map(|backend| (backend, ratio))
}
