/// A FILETIME that the EVTX walker rendered as the whole text of an attribute (see
/// ``EventBuilder/renderedTime``): where that NUL-terminated text starts, and its ticks.
struct RenderedTime {
    var text: UnsafePointer<CChar>
    var ticks: Int64
}
