import Testing

/// The terminal tests run one at a time: each drives a real program in tmux, and timing on a
/// 2-core machine is kinder without several of them competing.
@Suite(.serialized) enum TerminalSuite {}
