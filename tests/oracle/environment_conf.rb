#!/usr/bin/env ruby
# Oracle: what Puppet 7 makes of each environment.conf given, all in one
# process. Each file is copied into a fresh environment directory as its
# environment.conf, loaded with Puppet::Settings::EnvironmentConf.load_from
# (what Puppet does when it loads an environment), and every setting read
# through its accessor (where values are checked). Prints one JSON object per
# file, in input order:
#   {"file": PATH, "error": "CLASS: MESSAGE"?, "line": L?, "warnings": [MESSAGE...]}
# "line" is given when Puppet's error names one.
#
#   ruby environment_conf.rb FILE...
$VERBOSE = nil
require 'json'
require 'tmpdir'
require 'fileutils'
require 'puppet'

work = Dir.mktmpdir('environment-conf-oracle')
at_exit { FileUtils.remove_entry(work) }
Puppet.initialize_settings(['--confdir', work, '--vardir', File.join(work, 'var')])

$logged = []
Puppet::Util::Log.newdesttype :oracle do
  def handle(msg)
    $logged << msg.message if msg.level == :warning
  end
end
Puppet::Util::Log.newdestination(:oracle)

ACCESSORS = %i[manifest modulepath config_version environment_timeout environment_data_provider static_catalogs rich_data].freeze
ARGV.each_with_index do |f, i|
  $logged = []
  # Puppet.warn_once stops warning after 100 distinct warnings in a process.
  $unique_warnings = {}
  env = File.join(work, "env#{i}")
  FileUtils.mkdir_p(env)
  FileUtils.cp(f, File.join(env, 'environment.conf'))
  out = { 'file' => f }
  begin
    conf = Puppet::Settings::EnvironmentConf.load_from(env, [])
    ACCESSORS.each { |a| conf.send(a) }
  rescue StandardError => e
    out['error'] = "#{e.class}: #{e.message}"
    out['line'] = e.line if e.respond_to?(:line) && e.line
  end
  out['warnings'] = $logged.map { |m| m.sub(/\s*\(file & line not available\)\z/, '').gsub(env, 'ENV') }
  puts JSON.generate(out)
end
