# The structural normal form of Ruby files, from Ruby's own parser (Ripper):
# the same items src/vagrant/parser/normal.rs prints, in the same format.
#
#   ruby tests/oracle/ruby_normal_form.rb < paths      # one block per file:
#   FILE path / ERROR message / LINE:COL KIND TEXT ...
#
# Acceptance is Ruby's: a file `RubyVM::InstructionSequence.compile` rejects
# (what `ruby -c` reports) is an ERROR.
require 'ripper'

class NormalForm
  def initialize(src)
    @src = src.b
    @starts = [0]
    @src.each_byte.with_index { |c, i| @starts << i + 1 if c == 10 }
    @items = []
  end

  attr_reader :items

  def emit(pos, text)
    @items << [pos[0], pos[1], text]
  end

  def esc(s)
    s.gsub('\\') { '\\\\' }.gsub("\n", '\\n').gsub("\t", '\\t')
  end

  def token?(n)
    n.is_a?(Array) && n[0].is_a?(Symbol) && n[0].to_s.start_with?('@')
  end

  # Consecutive string contents are one run, as the lexer reads them.
  def runs(parts)
    run = nil
    flush = lambda do
      if run
        raw = run[:text].b
        text = run[:text].lines.map(&:lstrip).join
        lead = raw.bytesize - raw.lstrip.bytesize
        lead = 0 if raw.strip.empty?
        at = @starts[run[:pos][0] - 1] + run[:pos][1] + lead
        line = @starts.bsearch_index { |s| s > at } || @starts.length
        emit([line, at - @starts[line - 1]], "str #{esc(text)}")
        run = nil
      end
    end
    parts.each do |p|
      if p.is_a?(Array) && p[0] == :@tstring_content
        if run
          run[:text] += p[1]
        else
          run = { pos: p[2], text: p[1].dup }
        end
      else
        flush.call
        walk(p)
      end
    end
    flush.call
  end

  def argc(args)
    case args
    when nil, false then [0, '']
    when Array
      case args[0]
      when :arg_paren then argc(args[1])
      when :args_add_block
        n, = argc(args[1])
        [n, args[2] ? '&' : '']
      when :args_add_star
        pre = args[1].is_a?(Array) && !args[1][0].is_a?(Symbol) ? args[1].length : argc(args[1])[0]
        [pre + 1 + args[3..].to_a.length, '']
      when :args_forward then [1, '']
      when Symbol then [1, '']
      else [args.length, '']
      end
    else [0, '']
    end
  end

  def call_item(tok, args, block)
    return unless tok.is_a?(Array) && tok[0].to_s.start_with?('@')
    n, amp = argc(args)
    emit(tok[2], "call #{tok[1]} #{n}#{block ? 'b' : ''}#{amp}")
  end

  # A call node, its arguments and block given by the nodes around it.
  def call(n, args = nil, block = nil)
    case n[0]
    when :fcall then call_item(n[1], args, block)
    when :vcall then call_item(n[1], args, block)
    when :call
      walk(n[1])
      call_item(n[3], args, block) unless n[3] == :call
    when :command
      call_item(n[1], n[2], block)
      walk(n[2])
    when :command_call
      walk(n[1])
      call_item(n[3], n[4], block)
      walk(n[4])
    when :super, :zsuper, :yield, :yield0
      walk(n[1]) if n.length > 1
    when :method_add_arg
      call(n[1], n[2], block)
      walk(n[2])
    else
      walk(n)
    end
  end

  def var(tok)
    return unless token?(tok)
    case tok[0]
    when :@ident then emit(tok[2], "lvar #{tok[1]}")
    when :@ivar, :@gvar, :@cvar then emit(tok[2], "var #{tok[1]}")
    when :@const then emit(tok[2], "const #{tok[1]}")
    when :@backref then emit(tok[2], 'backref')
    end
  end

  def walk(n)
    return unless n.is_a?(Array)
    return walk_token(n) if token?(n)
    return n.each { |c| walk(c) } unless n[0].is_a?(Symbol)
    case n[0]
    when :string_content, :word, :xstring_literal then runs(n[1..])
    when :regexp_literal then runs(n[1])
    when :dyna_symbol then n[1].is_a?(Array) && n[1][0] == :string_content ? runs(n[1][1..]) : runs(n[1])
    when :array
      if n[1].is_a?(Array) && n[1].all? { |x| x.is_a?(Array) && x[0] == :@tstring_content }
        n[1].each { |x| runs([x]) }
      else
        walk(n[1])
      end
    when :symbol_literal
      sym = n[1]
      tok = sym.is_a?(Array) && sym[0] == :symbol ? sym[1] : sym
      emit(tok[2], "sym #{tok[1]}") if token?(tok)
    when :var_ref, :var_field then var(n[1])
    when :vcall, :fcall, :call, :command, :command_call, :method_add_arg then call(n)
    when :method_add_block
      call(n[1], nil, true) if %i[fcall vcall call command command_call].include?(n[1][0])
      if n[1][0] == :method_add_arg
        call(n[1][1], n[1][2], true)
        walk(n[1][2])
      end
      walk(n[1]) unless %i[fcall vcall call command command_call method_add_arg].include?(n[1][0])
      walk(n[2])
    when :field
      walk(n[1])
      emit(n[3][2], "attrasgn #{n[3][1]}") if token?(n[3])
    when :const_path_ref, :const_path_field
      walk(n[1])
      var(n[2])
    when :top_const_ref, :top_const_field, :const_ref then var(n[1])
    when :def
      emit(n[1][2], "def #{n[1][1]}") if token?(n[1])
      walk(n[2])
      walk(n[3])
    when :defs
      walk(n[1])
      emit(n[3][2], "def #{n[3][1]}") if token?(n[3])
      walk(n[4])
      walk(n[5])
    when :module then walk(n[2])
    when :alias, :var_alias, :undef then nil
    when :rescue
      walk(n[1])
      walk(n[3])
      walk(n[4])
    when :params then params(n)
    when :block_var then walk(n[1])
    when :@label then nil
    else n[1..].each { |c| walk(c) }
    end
  end

  # Parameters: only their default values.
  def params(n)
    (n[2] || []).each { |_, d| walk(d) }
    (n[5] || []).each { |_, d| walk(d) if d }
  end

  def walk_token(t)
    case t[0]
    when :@int
      v = begin
        Integer(t[1].delete('_'))
      rescue StandardError
        nil
      end
      emit(t[2], v && v.abs < 2**63 ? "int #{v.abs}" : 'int big')
    when :@float then emit(t[2], 'float')
    when :@rational, :@imaginary then emit(t[2], 'num')
    when :@CHAR then emit(t[2], "char #{esc(t[1])}")
    when :@label then emit(t[2], "label #{t[1].chomp(':')}")
    when :@backref then emit(t[2], 'backref')
    when :@tstring_content then runs([t])
    end
  end
end

$stdin.each_line do |path|
  path = path.chomp
  puts "FILE #{path}"
  src = File.binread(path).force_encoding('UTF-8')
  begin
    RubyVM::InstructionSequence.compile(src, path)
  rescue SyntaxError => e
    puts "ERROR #{e.message.lines.first.to_s.strip}"
    next
  end
  tree = Ripper.sexp(src)
  unless tree
    puts 'ERROR ripper'
    next
  end
  nf = NormalForm.new(src)
  nf.walk(tree)
  nf.items.sort_by { |l, c, t| [l, c, t] }.each { |l, c, t| puts "#{l}:#{c} #{t}" }
end
