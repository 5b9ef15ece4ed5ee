# Ruby's own lexer (Ripper.lex) on Ruby files, as the lexer conformance test
# reads it: per file, the tokens that carry a decision (names, keywords,
# operators, literals' delimiters), with their place, kind and the lexer
# state after them, and which newlines end a statement.
#
#   ruby tests/oracle/ruby_tokens.rb < paths
#   FILE path / LINE<TAB>COL<TAB>EVENT<TAB>TEXT<TAB>STATE / LINE<TAB>COL<TAB>NL<TAB>0|1
require 'ripper'

SKIP = %w[on_sp on_ignored_sp on_comment on_embdoc_beg on_embdoc on_embdoc_end on___end__
          on_heredoc_end on_tstring_content on_words_sep on_semicolon].freeze

$stdin.each_line do |f|
  f = f.chomp
  puts "FILE #{f}"
  src = File.binread(f).force_encoding('UTF-8')
  begin
    RubyVM::InstructionSequence.compile(src, f)
  rescue SyntaxError
    puts 'ERROR'
    next
  end
  skip_next = false
  Ripper.lex(src).each do |(l, c), ev, t, st|
    if ev == :on_nl || ev == :on_ignored_nl
      puts [l, c, 'NL', ev == :on_nl ? 1 : 0].join("\t") if t.end_with?("\n")
      next
    end
    next if SKIP.include?(ev.to_s)
    if skip_next
      skip_next = false
      next
    end
    ev = ev.to_s
    # `:name` is one token to us: Ripper's `:` and the name after it are one.
    skip_next = true if ev == 'on_symbeg' && t == ':'
    text = ev == 'on_op' || ev == 'on_kw' ? t : ''
    text = ':' if ev == 'on_symbeg'
    puts [l, c, ev, text, st.to_i].join("\t")
  end
end
