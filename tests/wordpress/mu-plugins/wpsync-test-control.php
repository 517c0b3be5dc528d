<?php
/**
 * Plugin Name: wpsync test control
 * Description: Admin-only REST routes that let wpsync's tests put the local WordPress in a known state,
 *   plus the fixtures' content model (post meta wpsync_test_meta, custom post type book with its
 *   hierarchical custom taxonomy genre, REST base genres).
 *
 *   POST /wp-json/wpsync-test/v1/reset  delete every post of every type (attachments and their files,
 *                                       revisions, menus…), every term but the default category, every
 *                                       user created after install; restore the installed users'
 *                                       passwords, roles and application passwords; reset the JWT settings.
 *   POST /wp-json/wpsync-test/v1/jwt    {"ttl": seconds|null, "mode": "tmeister"|"useful-team",
 *                                        "secret": true|false, "not_before": seconds|null,
 *                                        "invalid_token": "anonymous"|"reject"} — replaces all JWT settings;
 *                                       keys left out take their defaults.
 *   GET  /wp-json/wpsync-test/v1/jwt    the current JWT settings.
 *   POST /wp-json/wpsync-test/v1/media  {"allow_svg": true|false, "max_upload_kb": N|null} — what uploads
 *                                       the site takes: SVG allowed through `upload_mimes` (as an SVG plugin
 *                                       does), a size limit through `wp_handle_sideload_prefilter` (as an
 *                                       upload-limit plugin does); keys left out take their defaults (WordPress's
 *                                       own: no SVG, no limit).
 *   POST /wp-json/wpsync-test/v1/blocks {"post_id": N} — the post's saved content as WordPress's own
 *                                       parse_blocks() sees it: [{"name", "attrs", "inner", "html"}…],
 *                                       freeform (classic) chunks included with name null.
 *
 * The token lifetime is shortened through the `jwt_auth_expire` filter and the start of validity moved
 * through `jwt_auth_not_before`: the very hooks a site owner uses with the real plugin.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const WPSYNC_TEST_JWT_DEFAULTS = array(
	'ttl'           => null,
	'mode'          => 'tmeister',
	'secret'        => true,
	'not_before'    => null,
	'invalid_token' => 'anonymous',
);

/** @return array the JWT settings in force */
function wpsync_test_jwt_settings() {
	$stored = get_option( 'wpsync_test_jwt', array() );
	return array_merge( WPSYNC_TEST_JWT_DEFAULTS, is_array( $stored ) ? $stored : array() );
}

function wpsync_test_apply_jwt_settings() {
	$settings = wpsync_test_jwt_settings();
	if ( null !== $settings['ttl'] ) {
		$ttl = (int) $settings['ttl'];
		add_filter(
			'jwt_auth_expire',
			function ( $expire, $issued_at ) use ( $ttl ) {
				return $issued_at + $ttl;
			},
			10,
			2
		);
	}
	if ( null !== $settings['not_before'] ) {
		$delay = (int) $settings['not_before'];
		add_filter(
			'jwt_auth_not_before',
			function ( $not_before, $issued_at ) use ( $delay ) {
				return $issued_at + $delay;
			},
			10,
			2
		);
	}
	if ( ! $settings['secret'] ) {
		add_filter( 'wpsync_jwt_double_secret', '__return_false' );
	}
}
wpsync_test_apply_jwt_settings();

// Like a site owner whitelisting a namespace for Useful Team's plugin: the control routes stay reachable
// with application-password Basic auth in every JWT mode.
add_filter(
	'jwt_auth_default_whitelist',
	function ( $whitelist ) {
		$whitelist[] = home_url( '/' . rest_get_url_prefix(), 'relative' ) . '/wpsync-test/';
		return $whitelist;
	}
);

const WPSYNC_TEST_MEDIA_DEFAULTS = array(
	'allow_svg'     => false,
	'max_upload_kb' => null,
);

/** @return array the upload settings in force */
function wpsync_test_media_settings() {
	$stored = get_option( 'wpsync_test_media', array() );
	return array_merge( WPSYNC_TEST_MEDIA_DEFAULTS, is_array( $stored ) ? $stored : array() );
}

add_filter(
	'upload_mimes',
	function ( $mimes ) {
		if ( wpsync_test_media_settings()['allow_svg'] ) {
			$mimes['svg'] = 'image/svg+xml';
		}
		return $mimes;
	}
);

add_filter(
	'wp_check_filetype_and_ext',
	function ( $data, $file, $filename ) {
		// finfo calls an SVG "image/svg+xml" (or text): SVG plugins vouch for the extension the same way
		if ( wpsync_test_media_settings()['allow_svg'] && 'svg' === strtolower( pathinfo( $filename, PATHINFO_EXTENSION ) ) ) {
			$data['ext']  = 'svg';
			$data['type'] = 'image/svg+xml';
		}
		return $data;
	},
	10,
	3
);

add_filter(
	'wp_handle_sideload_prefilter',
	function ( $file ) {
		$limit = wpsync_test_media_settings()['max_upload_kb'];
		if ( null !== $limit && isset( $file['tmp_name'] ) && filesize( $file['tmp_name'] ) > KB_IN_BYTES * (int) $limit ) {
			$file['error'] = sprintf( 'This file is too big. Files must be less than %d KB in size.', (int) $limit );
		}
		return $file;
	}
);

add_action( 'init', 'wpsync_test_register_content_model' );

function wpsync_test_register_content_model() {
	register_post_meta(
		'',
		'wpsync_test_meta',
		array(
			'type'         => 'string',
			'single'       => true,
			'show_in_rest' => true,
		)
	);
	register_post_type(
		'book',
		array(
			'label'        => 'Books',
			'public'       => true,
			'show_in_rest' => true,
			'rest_base'    => 'books',
			'has_archive'  => true,
			'supports'     => array( 'title', 'editor', 'excerpt', 'author', 'thumbnail', 'custom-fields', 'revisions' ),
			'taxonomies'   => array( 'category', 'post_tag' ),
		)
	);
	register_taxonomy(
		'genre',
		'book',
		array(
			'label'        => 'Genres',
			'hierarchical' => true,
			'public'       => true,
			'show_in_rest' => true,
			'rest_base'    => 'genres',
		)
	);
}

add_action( 'rest_api_init', 'wpsync_test_register_routes' );

function wpsync_test_register_routes() {
	$admin_only = function () {
		return current_user_can( 'manage_options' );
	};
	register_rest_route(
		'wpsync-test/v1',
		'/reset',
		array(
			'methods'             => 'POST',
			'callback'            => function () {
				return rest_ensure_response( wpsync_test_reset() );
			},
			'permission_callback' => $admin_only,
		)
	);
	register_rest_route(
		'wpsync-test/v1',
		'/media',
		array(
			'methods'             => 'POST',
			'callback'            => function ( WP_REST_Request $request ) {
				$settings = WPSYNC_TEST_MEDIA_DEFAULTS;
				foreach ( array_keys( $settings ) as $key ) {
					if ( $request->has_param( $key ) ) {
						$settings[ $key ] = $request->get_param( $key );
					}
				}
				update_option( 'wpsync_test_media', $settings );
				return rest_ensure_response( $settings );
			},
			'permission_callback' => $admin_only,
			'args'                => array(
				'allow_svg'     => array( 'type' => 'boolean' ),
				'max_upload_kb' => array( 'type' => array( 'integer', 'null' ) ),
			),
		)
	);
	register_rest_route(
		'wpsync-test/v1',
		'/blocks',
		array(
			'methods'             => 'POST',
			'callback'            => 'wpsync_test_parse_blocks',
			'permission_callback' => $admin_only,
			'args'                => array( 'post_id' => array( 'type' => 'integer', 'required' => true ) ),
		)
	);
	register_rest_route(
		'wpsync-test/v1',
		'/jwt',
		array(
			array(
				'methods'             => 'GET',
				'callback'            => function () {
					return rest_ensure_response( wpsync_test_jwt_settings() );
				},
				'permission_callback' => $admin_only,
			),
			array(
				'methods'             => 'POST',
				'callback'            => 'wpsync_test_set_jwt',
				'permission_callback' => $admin_only,
				'args'                => array(
					'ttl'           => array( 'type' => array( 'integer', 'null' ) ),
					'mode'          => array(
						'type' => 'string',
						'enum' => array( 'tmeister', 'useful-team' ),
					),
					'secret'        => array( 'type' => 'boolean' ),
					'not_before'    => array( 'type' => array( 'integer', 'null' ) ),
					'invalid_token' => array(
						'type' => 'string',
						'enum' => array( 'anonymous', 'reject' ),
					),
				),
			),
		)
	);
}

/** parse_blocks() output, reduced to what tests compare. */
function wpsync_test_block_tree( $blocks ) {
	$out = array();
	foreach ( $blocks as $block ) {
		$out[] = array(
			'name'  => $block['blockName'],
			'attrs' => (object) $block['attrs'],
			'inner' => wpsync_test_block_tree( $block['innerBlocks'] ),
			'html'  => $block['innerHTML'],
		);
	}
	return $out;
}

function wpsync_test_parse_blocks( WP_REST_Request $request ) {
	$post = get_post( (int) $request->get_param( 'post_id' ) );
	if ( ! $post ) {
		return new WP_Error( 'rest_post_invalid_id', 'No such post.', array( 'status' => 404 ) );
	}
	return rest_ensure_response( wpsync_test_block_tree( parse_blocks( $post->post_content ) ) );
}

function wpsync_test_set_jwt( WP_REST_Request $request ) {
	$settings = WPSYNC_TEST_JWT_DEFAULTS;
	foreach ( array_keys( $settings ) as $key ) {
		if ( $request->has_param( $key ) ) {
			$settings[ $key ] = $request->get_param( $key );
		}
	}
	update_option( 'wpsync_test_jwt', $settings );
	update_option( 'wpsync_jwt_double_mode', $settings['mode'] );
	update_option( 'wpsync_jwt_double_ut_invalid_token', $settings['invalid_token'] );
	return rest_ensure_response( $settings );
}

/** Remember the installed users (password hash, role, application passwords) so reset can restore them. */
function wpsync_test_capture_baseline() {
	$users = array();
	foreach ( get_users( array( 'fields' => 'all' ) ) as $user ) {
		$users[ $user->ID ] = array(
			'user_pass'     => $user->user_pass,
			'user_email'    => $user->user_email,
			'display_name'  => $user->display_name,
			'roles'         => $user->roles,
			'app_passwords' => get_user_meta( $user->ID, WP_Application_Passwords::USERMETA_KEY_APPLICATION_PASSWORDS, true ),
		);
	}
	update_option( 'wpsync_test_baseline', array( 'users' => $users ), false );
}

function wpsync_test_empty_dir( $dir ) {
	if ( ! is_dir( $dir ) || is_link( $dir ) ) {
		return;
	}
	$items = new RecursiveIteratorIterator(
		new RecursiveDirectoryIterator( $dir, FilesystemIterator::SKIP_DOTS ),
		RecursiveIteratorIterator::CHILD_FIRST
	);
	foreach ( $items as $item ) {
		if ( $item->isDir() && ! $item->isLink() ) {
			rmdir( $item->getPathname() );
		} else {
			unlink( $item->getPathname() );
		}
	}
}

/** Back to the state right after install, without reinstalling. @return array what was removed */
function wpsync_test_reset() {
	global $wpdb;

	$removed = array(
		'posts' => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->posts}" ),
		'terms' => 0,
		'users' => 0,
	);

	wpsync_test_empty_dir( wp_get_upload_dir()['basedir'] );

	// Every post of every type: posts, pages, attachments, revisions, books, menus, templates…
	$wpdb->query( "DELETE FROM {$wpdb->posts}" );
	$wpdb->query( "DELETE FROM {$wpdb->postmeta}" );
	$wpdb->query( "DELETE FROM {$wpdb->comments}" );
	$wpdb->query( "DELETE FROM {$wpdb->commentmeta}" );
	$wpdb->query( "DELETE FROM {$wpdb->term_relationships}" );
	$wpdb->query( "DELETE FROM {$wpdb->links}" );

	// Every term but the default category, which goes back to its installed self.
	$default_category = (int) get_option( 'default_category', 1 );
	$removed['terms'] = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->terms} WHERE term_id <> %d", $default_category ) );
	$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->termmeta} WHERE term_id <> %d", $default_category ) );
	$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->term_taxonomy} WHERE term_id <> %d", $default_category ) );
	$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->terms} WHERE term_id <> %d", $default_category ) );
	$wpdb->update( $wpdb->terms, array( 'name' => 'Uncategorized', 'slug' => 'uncategorized', 'term_group' => 0 ), array( 'term_id' => $default_category ) );
	$wpdb->update( $wpdb->term_taxonomy, array( 'taxonomy' => 'category', 'description' => '', 'parent' => 0, 'count' => 0 ), array( 'term_id' => $default_category ) );

	// Users: the installed ones as installed, the others gone.
	$baseline = get_option( 'wpsync_test_baseline' );
	if ( is_array( $baseline ) && ! empty( $baseline['users'] ) ) {
		$keep             = array_map( 'intval', array_keys( $baseline['users'] ) );
		$ids              = implode( ',', $keep );
		$removed['users'] = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->users} WHERE ID NOT IN ($ids)" );
		$wpdb->query( "DELETE FROM {$wpdb->usermeta} WHERE user_id NOT IN ($ids)" );
		$wpdb->query( "DELETE FROM {$wpdb->users} WHERE ID NOT IN ($ids)" );
		foreach ( $baseline['users'] as $id => $user ) {
			$wpdb->update(
				$wpdb->users,
				array(
					'user_pass'    => $user['user_pass'],
					'user_email'   => $user['user_email'],
					'display_name' => $user['display_name'],
				),
				array( 'ID' => $id )
			);
			clean_user_cache( (int) $id );
			$wp_user = new WP_User( (int) $id );
			$wp_user->set_role( reset( $user['roles'] ) );
			if ( empty( $user['app_passwords'] ) ) {
				delete_user_meta( $id, WP_Application_Passwords::USERMETA_KEY_APPLICATION_PASSWORDS );
			} else {
				update_user_meta( $id, WP_Application_Passwords::USERMETA_KEY_APPLICATION_PASSWORDS, $user['app_passwords'] );
			}
			delete_user_meta( $id, 'jwt_auth_refresh_tokens' );
			delete_user_meta( $id, 'session_tokens' );
		}
	}

	// Options that point at content, and the test knobs.
	update_option( 'sticky_posts', array() );
	update_option( 'show_on_front', 'posts' );
	update_option( 'page_on_front', 0 );
	update_option( 'page_for_posts', 0 );
	update_option( 'wp_page_for_privacy_policy', 0 );
	update_option( 'default_category', $default_category );
	update_option( 'timezone_string', '' );
	update_option( 'gmt_offset', 0 );
	delete_option( 'category_children' );
	delete_option( 'wpsync_test_jwt' );
	delete_option( 'wpsync_test_media' );
	delete_option( 'wpsync_jwt_double_mode' );
	delete_option( 'wpsync_jwt_double_ut_invalid_token' );
	$wpdb->query( "DELETE FROM {$wpdb->options} WHERE option_name LIKE '\\_transient\\_%' OR option_name LIKE '\\_site\\_transient\\_%'" );
	update_option( 'permalink_structure', '/%postname%/' );
	// Rebuilt by the next request, with every post type registered then (book's rules are only added
	// when pretty permalinks are on at init, which is not the case during install).
	delete_option( 'rewrite_rules' );

	wp_cache_flush();
	return array(
		'reset'   => true,
		'removed' => $removed,
	);
}
