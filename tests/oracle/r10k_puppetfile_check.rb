# What `r10k puppetfile check` (r10k 3.15.4) says of each Puppetfile whose
# path is read from stdin, one JSON line per file:
#   {"file":..., "ok":bool, "class":..., "message":..., "line":N|null}
# It does what the command does (R10K::ModuleLoader::Puppetfile#load! with the
# Puppetfile's directory as the base directory), in one Ruby process so r10k
# loads once; `message` is the innermost exception's first line and `line`
# the Puppetfile's line in it (a syntax error) or in its backtrace. Nothing
# is fetched: loading a Puppetfile only evaluates it.
require 'json'
require 'timeout'
require 'r10k/logging'
require 'r10k/module_loader/puppetfile'

R10K::Logging.level = 'error'
# What a Puppetfile prints goes to stderr; the verdicts alone to stdout.
verdicts = $stdout.dup
$stdout = $stderr

$stdin.each_line do |line|
  path = File.expand_path(line.chomp)
  next if path.empty?
  result = { file: line.chomp, ok: true, class: nil, message: nil, line: nil }
  begin
    Timeout.timeout(10) do
      R10K::ModuleLoader::Puppetfile.new(basedir: File.dirname(path)).load!
    end
  rescue Exception => e # rubocop:disable Lint/RescueException -- a verdict for every file
    inner = e
    inner = inner.original while inner.respond_to?(:original) && inner.original
    message = inner.message.to_s
    where = message[/#{Regexp.escape(path)}:(\d+):/, 1]
    where ||= (inner.backtrace || []).map { |f| f[/\A#{Regexp.escape(path)}:(\d+):/, 1] }.compact.first
    result.merge!(ok: false, class: inner.class.name, message: message.lines.first.to_s.chomp,
                  wrapped: !e.equal?(inner), line: where && where.to_i)
  end
  verdicts.puts JSON.generate(result)
  verdicts.flush
end
