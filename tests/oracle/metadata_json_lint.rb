#!/usr/bin/env ruby
# Oracle: metadata-json-lint 3.0.0's verdict on each file, for many files in
# one process (Puppet loads once): its own `MetadataJsonLint.parse` per file,
# one JSON line each with its exit status, findings so far, and what stopped
# it (an `abort` for unreadable JSON, a crash with its place).
#
#   ... paths on stdin ... | ruby metadata_json_lint.rb [strict]
require 'json'
require 'stringio'
require 'metadata_json_lint'
# Its checks read the module-level options, not the copy parse's block gets.
MetadataJsonLint.options[:strict_dependencies] = ARGV.include?('strict')
$stdin.each_line do |line|
  path = line.chomp
  next if path.empty?
  out, err = StringIO.new, StringIO.new
  $stdout, $stderr = out, err
  status, crash, crash_at = nil, nil, nil
  begin
    status = MetadataJsonLint.parse(path) { |o| o[:format] = :json } ? 0 : 1
  rescue SystemExit => e
    status = e.status
  rescue Exception => e
    status = 1
    crash = "#{e.class}: #{e.message.scrub('?').lines.first.to_s.chomp}"
    crash_at = e.backtrace.find { |f| f =~ /metadata_json_lint|semantic_puppet/ }.to_s.split('/').last
  ensure
    $stdout, $stderr = STDOUT, STDERR
  end
  # Findings quote the file, which may hold what is not UTF-8 (Ruby keeps a lone \udc00 so).
  errors = (MetadataJsonLint.instance_variable_get(:@errors) || []).map { |e| e.to_s.scrub('?') }
  warnings = (MetadataJsonLint.instance_variable_get(:@warnings) || []).map { |w| w.to_s.scrub('?') }
  abort_message = err.string.scrub('?').strip
  puts JSON.generate('file' => path, 'status' => status, 'errors' => errors, 'warnings' => warnings,
                     'abort' => (abort_message.empty? ? nil : abort_message), 'crash' => crash,
                     'crash_at' => crash_at)
end
