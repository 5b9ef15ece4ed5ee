# ERB templates as `erb -P -x -T - FILE | ruby -c` judges them, many files in
# one process: Ruby 3.1's ERB compiles each template as the erb command does
# (read as UTF-8, trim mode '-', no '%' lines), and Ruby's parser reads the
# result (`puts` adds the final line break). InstructionSequence.compile also
# runs the compiler, whose own errors (`Invalid break`, ...) `ruby -c` never
# reports: for those the file goes to a real `ruby -c`.
#
# Ruby names a line of the generated code; the template line is found by
# undoing what ERB adds (the `#coding` line, a `#frozen-string-literal` line)
# and what it drops (the line breaks inside `<%# %>` comments), never past
# the template's last line.
#
#   ruby tests/oracle/erb_ruby_c.rb < paths
#   FILE path / OK  or  ERROR<TAB>template line<TAB>generated line<TAB>message
#   ruby tests/oracle/erb_ruby_c.rb --pipeline < paths
# The second runs the real command line per file (slow; template line `-`):
# the conformance test checks the first against it on a sample.
require 'erb'
require 'open3'

# Records, for each comment tag, the generated line it ends on and the line
# breaks it drops.
module DroppedLines
  attr_reader :dropped

  def compile_content(stag, out)
    if stag == '<%#'
      pending = out.instance_variable_get(:@line) || []
      line = out.script.count("\n") + pending.join('; ').count("\n") + 1
      (@dropped ||= []) << [line, content.count("\n")]
    end
    super
  end
end
ERB::Compiler.prepend(DroppedLines)

class TrackingERB < ERB
  attr_reader :compiler

  def make_compiler(trim_mode)
    @compiler = super
  end
end

def template_line(text, src, generated_line, dropped)
  header = src.b.each_line.take_while { |l| !l.start_with?("_erbout = +''") }.size
  line = generated_line - header
  dropped.each { |(at, n)| line += n if at <= generated_line }
  [[line, 1].max, text.b.count("\n") + 1].min
end

def ruby_c(src)
  out, _status = Open3.capture2e('ruby', '-c', stdin_data: src)
  return nil if out.start_with?('Syntax OK')

  m = out.match(/^-:(\d+): (.*)$/)
  m ? [m[1].to_i, m[2]] : [1, out.lines.first.to_s.chomp]
end

pipeline = ARGV.include?('--pipeline')
$stdin.each_line do |path|
  path = path.chomp
  puts "FILE #{path}"
  if pipeline
    out, = Open3.capture2e("erb -P -x -T - '#{path}' | ruby -c")
    if out.start_with?('Syntax OK')
      puts 'OK'
    else
      m = out.match(/^-:(\d+): (.*)$/)
      puts ['ERROR', '-', m ? m[1] : 0, m ? m[2] : out.lines.first.to_s.chomp].join("\t")
    end
    next
  end
  text = File.binread(path).force_encoding(Encoding::UTF_8)
  begin
    erb = TrackingERB.new(text, trim_mode: '-')
  rescue StandardError => e
    puts ['ERROR', 1, 0, "erb: #{e.message}"].join("\t")
    next
  end
  src = erb.src.dup
  src << "\n" unless src.end_with?("\n")
  src.force_encoding(erb.encoding)
  dropped = erb.compiler.dropped || []
  error = nil
  begin
    RubyVM::InstructionSequence.compile(src, '-')
  rescue SyntaxError => e
    m = e.message.lines.first.to_s.match(/\A-:(\d+): (.*)$/)
    error = m && m[2].start_with?('syntax error') ? [m[1].to_i, m[2]] : ruby_c(src)
  end
  if error
    puts ['ERROR', template_line(text, src, error[0], dropped), error[0], error[1]].join("\t")
  else
    puts 'OK'
  end
end
