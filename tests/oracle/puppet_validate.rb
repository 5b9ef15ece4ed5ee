#!/usr/bin/env ruby
# Oracle: what `puppet parser validate` decides for each file, for many files
# in one process (the command itself stops at the first file that raises).
# Parses each file with Puppet's parser, then runs Puppet's validation pass,
# as the command does; prints one JSON object per file, in input order:
#   {"file": PATH}                                  accepted
#   {"file": PATH, "error": MSG, "line": L, "column": C}   the first error (no line at the end of input)
# A file named *.epp is an EPP template, parsed and validated as `puppet epp
# validate` does; with --pn, an accepted template's PN is printed too
# ("pn": TEXT), as `puppet epp dump --format pn` prints it; where Puppet has
# no PN for what it accepted (an `apply` block), "pn_error" says why instead.
# --tasks parses and validates as `puppet parser validate --tasks` does (Bolt plans).
#
#   ruby puppet_validate.rb [--tasks] [--pn] FILE...   or   ... | ruby puppet_validate.rb [--tasks] [--pn] -
$VERBOSE = nil
require 'json'
require 'fileutils'
require 'tmpdir'
require 'puppet'
tasks = ARGV.delete('--tasks')
pn = ARGV.delete('--pn')
conf = Dir.mktmpdir('puppet-validate-oracle')
at_exit { FileUtils.remove_entry(conf) }
Puppet.initialize_settings(['--confdir', conf, '--vardir', File.join(conf, 'var')])
Puppet[:tasks] = true if tasks
require 'puppet/pops'
require 'puppet/pops/pn'

files = ARGV == ['-'] ? $stdin.each_line.map(&:chomp).reject(&:empty?) : ARGV
evaluating = Puppet::Pops::Parser::EvaluatingParser.new
$stdout.sync = false
files.each do |f|
  out = { 'file' => f }
  begin
    parser = f.end_with?('.epp') ? Puppet::Pops::Parser::EppParser.new : Puppet::Pops::Parser::Parser.new
    result = parser.parse_file(f)
    first = evaluating.validate(result.model).errors.first
    if first
      out['error'] = first.issue.format(first.arguments)
      pos = first.source_pos
      out['line'] = pos.line
      out['column'] = pos.pos
    elsif pn
      begin
        out['pn'] = Puppet::Pops::Model::PNTransformer.transform(result.model.body).format(nil, +'')
      rescue StandardError => e
        # Puppet 7 has no PN for some of what it accepts (an `apply` block).
        out['pn_error'] = e.message
      end
    end
  rescue Puppet::ParseErrorWithIssue => e
    out['error'] = e.basic_message
    out['line'] = e.line if e.line
    out['column'] = e.pos if e.pos
  rescue Puppet::ParseError, StandardError => e
    out['error'] = "#{e.class}: #{e.message}"
  end
  puts JSON.generate(out)
end
