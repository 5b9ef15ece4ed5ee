# The oracle for `puppetlift::validate::hiera`: puppet-syntax's Hiera check
# (`PuppetSyntax::Hiera#check`, what `rake syntax:hiera` runs over its file
# list) applied to each path read from stdin, one JSON line per file:
#   {"path": P, "errors": [the strings puppet-syntax reports], "crash": C}
# `crash` is the exception that stops puppet-syntax itself (a top level that
# is not a hash, `ENC[]`), else null. Each file is checked on its own, so a
# crash ends only that file's check (under rake it ends the whole task).
# HIERA_KEYS=1 turns on puppet-syntax's optional `check_hiera_keys`.
require 'json'
require 'puppet-syntax'

PuppetSyntax.check_hiera_keys = ENV['HIERA_KEYS'] == '1'
checker = PuppetSyntax::Hiera.new
$stdout.sync = false
$stdin.each_line do |line|
  path = line.chomp
  next if path.empty?
  errors = []
  crash = nil
  begin
    errors = checker.check([path])
  rescue StandardError => e
    crash = "#{e.class}: #{e.message}"
  end
  puts JSON.generate({ 'path' => path, 'errors' => errors, 'crash' => crash })
end
