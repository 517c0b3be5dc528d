<?php
/**
 * Router for PHP's built-in web server, shared by every instance that scripts/wordpress starts.
 *
 * The per-instance router.php in the instance folder defines WPSYNC_WP_CONFIG (the name Debian's
 * /usr/share/wordpress/wp-config.php uses to pick /etc/wordpress/config-<name>.php) and
 * WPSYNC_WP_CONTENT_DIR, then returns what this file returns:
 *   - a static file of WordPress core: false, the built-in server sends it itself;
 *   - /wp-content/<file>: sent from the instance's own content folder (uploads, theme assets);
 *   - a PHP file of core (wp-login.php, wp-admin/…): run as that script;
 *   - anything else (/wp-json/…, permalinks): WordPress's front controller index.php.
 *
 * This file runs in the global scope, like WordPress itself: its variables are prefixed.
 */

$_SERVER['WORDPRESS_CONFIG'] = WPSYNC_WP_CONFIG;

$wpsync_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$wpsync_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );

if ( strpos( $wpsync_path, "\0" ) !== false || preg_match( '#(^|/)\.\.(/|$)#', $wpsync_path ) ) {
	http_response_code( 400 );
	return true;
}

if ( strncmp( $wpsync_path, '/wp-content/', 12 ) === 0 ) {
	$wpsync_file = WPSYNC_WP_CONTENT_DIR . substr( $wpsync_path, 11 );
	if ( is_file( $wpsync_file ) && ! preg_match( '/\.(php\d?|phtml|phar)$/i', $wpsync_file ) ) {
		$wpsync_types = array(
			'css'   => 'text/css',
			'js'    => 'application/javascript',
			'json'  => 'application/json',
			'txt'   => 'text/plain',
			'html'  => 'text/html',
			'svg'   => 'image/svg+xml',
			'png'   => 'image/png',
			'jpg'   => 'image/jpeg',
			'jpeg'  => 'image/jpeg',
			'gif'   => 'image/gif',
			'webp'  => 'image/webp',
			'avif'  => 'image/avif',
			'ico'   => 'image/x-icon',
			'pdf'   => 'application/pdf',
			'mp3'   => 'audio/mpeg',
			'mp4'   => 'video/mp4',
			'woff'  => 'font/woff',
			'woff2' => 'font/woff2',
		);
		$wpsync_ext  = strtolower( pathinfo( $wpsync_file, PATHINFO_EXTENSION ) );
		$wpsync_type = $wpsync_types[ $wpsync_ext ] ?? ( function_exists( 'mime_content_type' ) ? mime_content_type( $wpsync_file ) : false );
		header( 'Content-Type: ' . ( $wpsync_type ?: 'application/octet-stream' ) );
		header( 'Content-Length: ' . filesize( $wpsync_file ) );
		header( 'Last-Modified: ' . gmdate( 'D, d M Y H:i:s', filemtime( $wpsync_file ) ) . ' GMT' );
		if ( $_SERVER['REQUEST_METHOD'] !== 'HEAD' ) {
			readfile( $wpsync_file );
		}
		return true;
	}
	// Not a servable file: let WordPress answer (404 page).
} else {
	$wpsync_file = $wpsync_root . $wpsync_path;
	if ( is_dir( $wpsync_file ) && is_file( rtrim( $wpsync_file, '/' ) . '/index.php' ) ) {
		if ( substr( $wpsync_path, -1 ) !== '/' ) {
			header( 'Location: ' . $wpsync_path . '/', true, 301 );
			return true;
		}
		$wpsync_file = rtrim( $wpsync_file, '/' ) . '/index.php';
	}
	if ( is_file( $wpsync_file ) ) {
		if ( ! preg_match( '/\.php$/', $wpsync_file ) ) {
			return false;
		}
		$_SERVER['SCRIPT_FILENAME'] = $wpsync_file;
		$_SERVER['SCRIPT_NAME']     = substr( $wpsync_file, strlen( $wpsync_root ) );
		$_SERVER['PHP_SELF']        = $_SERVER['SCRIPT_NAME'];
		chdir( dirname( $wpsync_file ) );
		require $wpsync_file;
		return true;
	}
}

$_SERVER['SCRIPT_FILENAME'] = $wpsync_root . '/index.php';
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
chdir( $wpsync_root );
require $wpsync_root . '/index.php';
return true;
