<?php
/**
 * Headless install of a fresh WordPress instance, run by scripts/wordpress (no wp-cli).
 *
 * Input, from the environment: WPSYNC_WP_CONFIG (Debian config name), WPSYNC_WP_URL, WPSYNC_DB_SOCKET,
 * WPSYNC_DB_USER, WPSYNC_DB_NAME, WPSYNC_ADMIN_PASSWORD, WPSYNC_AUTHOR_PASSWORD.
 * Output: one JSON object on stdout, {"app_password": "..."}; diagnostics on stderr; exit 0 on success.
 */

error_reporting( E_ALL & ~E_DEPRECATED & ~E_NOTICE & ~E_WARNING );
ini_set( 'display_errors', 'stderr' );

function wpsync_install_env( $name ) {
	$value = getenv( $name );
	if ( false === $value || '' === $value ) {
		fwrite( STDERR, "install.php: environment variable $name is missing\n" );
		exit( 2 );
	}
	return $value;
}

$wpsync_url    = wpsync_install_env( 'WPSYNC_WP_URL' );
$wpsync_parsed = parse_url( $wpsync_url );

// What Debian's wp-config.php and WordPress read from a web request.
$_SERVER['WORDPRESS_CONFIG'] = wpsync_install_env( 'WPSYNC_WP_CONFIG' );
$_SERVER['HTTP_HOST']        = $wpsync_parsed['host'] . ( isset( $wpsync_parsed['port'] ) ? ':' . $wpsync_parsed['port'] : '' );
$_SERVER['SERVER_NAME']      = $wpsync_parsed['host'];
$_SERVER['SERVER_PORT']      = isset( $wpsync_parsed['port'] ) ? (string) $wpsync_parsed['port'] : '80';
$_SERVER['REQUEST_URI']      = '/';
$_SERVER['REQUEST_METHOD']   = 'GET';
$_SERVER['SERVER_PROTOCOL']  = 'HTTP/1.1';

$wpsync_db = new mysqli( 'localhost', wpsync_install_env( 'WPSYNC_DB_USER' ), '', '', 0, wpsync_install_env( 'WPSYNC_DB_SOCKET' ) );
$wpsync_db->query( 'CREATE DATABASE IF NOT EXISTS `' . $wpsync_db->real_escape_string( wpsync_install_env( 'WPSYNC_DB_NAME' ) ) . '` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci' );
$wpsync_db->close();

define( 'WP_INSTALLING', true );
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

// No loopback requests while installing (wp_install probes pretty permalinks over HTTP).
add_filter(
	'pre_http_request',
	function () {
		return new WP_Error( 'http_request_blocked', 'No HTTP while installing.' );
	}
);

$wpsync_result = wp_install( 'wpsync test site', 'admin', 'admin@example.com', false, '', wp_slash( wpsync_install_env( 'WPSYNC_ADMIN_PASSWORD' ) ) );
$wpsync_admin  = (int) $wpsync_result['user_id'];

global $wp_rewrite;
$wp_rewrite->set_permalink_structure( '/%postname%/' );
update_option( 'template', 'wpsync-minimal' );
update_option( 'stylesheet', 'wpsync-minimal' );
update_option( 'blogdescription', '' );
update_option( 'admin_email_lifespan', time() + 10 * YEAR_IN_SECONDS );
update_option( 'timezone_string', 'UTC' );

$wpsync_author = wp_insert_user(
	array(
		'user_login'   => 'author',
		'user_pass'    => wpsync_install_env( 'WPSYNC_AUTHOR_PASSWORD' ),
		'user_email'   => 'author@example.com',
		'display_name' => 'author',
		'role'         => 'author',
	)
);
if ( is_wp_error( $wpsync_author ) ) {
	fwrite( STDERR, 'install.php: cannot create the author user: ' . $wpsync_author->get_error_message() . "\n" );
	exit( 1 );
}

list( $wpsync_app_password ) = WP_Application_Passwords::create_new_application_password( $wpsync_admin, array( 'name' => 'wpsync tests' ) );

// The state that /wpsync-test/v1/reset returns to: installed users, no content (not even "Hello world!").
wpsync_test_capture_baseline();
wpsync_test_reset();  // also drops the rewrite rules: the first request rebuilds them with pretty permalinks

echo wp_json_encode( array( 'app_password' => $wpsync_app_password ) ), "\n";
