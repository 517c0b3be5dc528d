<?php
/**
 * Plugin Name: wpsync JWT double
 * Description: Test double of the JWT plugins wpsync talks to. Speaks the protocol of Tmeister's
 *   "JWT Authentication for WP REST API" 1.3.4 (with firebase/php-jwt 6.4) by default, and the shapes of
 *   Useful Team's "JWT Auth" 3.x when the option `wpsync_jwt_double_mode` is `useful-team`.
 *
 * Written for wpsync's local test WordPress (scripts/wordpress); see docs/wordpress-testbed.md and
 * /work/shared/REFERENCE.md §1 for the protocol. The behaviour, not the code, follows the real plugins:
 *
 * Tmeister (default):
 *   POST /jwt-auth/v1/token           username + password (form, JSON or query) → 200
 *                                     {token, user_email, user_nicename, user_display_name}
 *   POST /jwt-auth/v1/token/validate  Bearer header → 200 {"code":"jwt_auth_valid_token","data":{"status":200}}
 *   Every error: 403 {"code","message","data":{"status":403}}.
 *   Claims: iss (site URL), iat, nbf (filter jwt_auth_not_before), exp (iat + 7 days, filter
 *   jwt_auth_expire), data.user.id (a string, as observed on the real plugin).
 *   A Bearer header that does not validate makes EVERY REST route answer its error (rest_pre_dispatch),
 *   /token included; no header, or another scheme (Basic for application passwords), leaves core's
 *   authentication alone.
 *
 * Useful Team (option wpsync_jwt_double_mode = useful-team):
 *   /token → {"success":true,"statusCode":200,"code":"jwt_auth_valid_credential","message":"Credential is valid",
 *   "data":{token,id,email,nicename,firstName,lastName,displayName}}, tokens live 10 minutes, a refresh token
 *   comes as the HttpOnly cookie refresh_token (POST /token with only the cookie → new access token;
 *   /token/refresh rotates the cookie). Errors: {"success":false,"statusCode":401,"code","message","data":[]}.
 *   An invalid token on an ordinary route: anonymous (option wpsync_jwt_double_ut_invalid_token = anonymous,
 *   the default, as REFERENCE.md describes it) or the plugin's 401 jwt_auth_invalid_token (= reject, what
 *   class-auth.php of usefulteam/jwt-auth does). A missing or non-Bearer header outside the plugin's
 *   default whitelist (/wp/v2/, /oembed/, /jwt-auth/v1/token, filter jwt_auth_default_whitelist) answers
 *   401 jwt_auth_no_auth_header / jwt_auth_bad_auth_header, as the plugin does.
 *
 * Test seam: the filter `wpsync_jwt_double_secret` may turn the secret off (false), which behaves as if
 * JWT_AUTH_SECRET_KEY were not defined.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

final class Wpsync_Jwt_Double {
	const NAMESPACE_V1 = 'jwt-auth/v1';

	/** @var WP_Error|WP_REST_Response|null error found by determine_current_user, answered by rest_pre_dispatch */
	private static $jwt_error = null;

	public static function boot() {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
		add_filter( 'determine_current_user', array( self::class, 'determine_current_user' ), 10 );
		add_filter( 'rest_pre_dispatch', array( self::class, 'rest_pre_dispatch' ), 10, 3 );
	}

	public static function mode() {
		return get_option( 'wpsync_jwt_double_mode', 'tmeister' ) === 'useful-team' ? 'useful-team' : 'tmeister';
	}

	/** @return string|false the signing key, false when "not configured" */
	public static function secret() {
		$key = defined( 'JWT_AUTH_SECRET_KEY' ) ? JWT_AUTH_SECRET_KEY : false;
		return apply_filters( 'wpsync_jwt_double_secret', $key );
	}

	public static function register_routes() {
		$useful_team = self::mode() === 'useful-team';
		register_rest_route(
			self::NAMESPACE_V1,
			'token',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, $useful_team ? 'ut_get_token' : 'tm_generate_token' ),
				'permission_callback' => '__return_true',
			)
		);
		register_rest_route(
			self::NAMESPACE_V1,
			'token/validate',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, $useful_team ? 'ut_validate_route' : 'tm_validate_route' ),
				'permission_callback' => '__return_true',
			)
		);
		if ( $useful_team ) {
			register_rest_route(
				self::NAMESPACE_V1,
				'token/refresh',
				array(
					'methods'             => 'POST',
					'callback'            => array( self::class, 'ut_refresh_token' ),
					'permission_callback' => '__return_true',
				)
			);
		}
	}

	public static function determine_current_user( $user ) {
		return self::mode() === 'useful-team'
			? self::ut_determine_current_user( $user )
			: self::tm_determine_current_user( $user );
	}

	public static function rest_pre_dispatch( $result, $server = null, $request = null ) {
		if ( self::$jwt_error instanceof WP_Error || self::$jwt_error instanceof WP_REST_Response ) {
			return self::$jwt_error;
		}
		return $result;
	}

	private static function request_uri() {
		return isset( $_SERVER['REQUEST_URI'] ) ? (string) $_SERVER['REQUEST_URI'] : '';
	}

	private static function authorization_header() {
		if ( ! empty( $_SERVER['HTTP_AUTHORIZATION'] ) ) {
			return sanitize_text_field( $_SERVER['HTTP_AUTHORIZATION'] );
		}
		if ( ! empty( $_SERVER['REDIRECT_HTTP_AUTHORIZATION'] ) ) {
			return sanitize_text_field( $_SERVER['REDIRECT_HTTP_AUTHORIZATION'] );
		}
		return false;
	}

	/** The token in "Bearer <token>", parsed as the plugins do (sscanf), or null. */
	private static function bearer_token( $header ) {
		$parsed = sscanf( (string) $header, 'Bearer %s' );
		return is_array( $parsed ) && ! empty( $parsed[0] ) ? $parsed[0] : null;
	}

	/* ------------------------------------------------------------------ HS256, as firebase/php-jwt 6.4 */

	private static function b64url_encode( $data ) {
		return str_replace( '=', '', strtr( base64_encode( $data ), '+/', '-_' ) );
	}

	private static function b64url_decode( $data ) {
		$remainder = strlen( $data ) % 4;
		if ( $remainder ) {
			$data .= str_repeat( '=', 4 - $remainder );
		}
		return (string) base64_decode( strtr( $data, '-_', '+/' ) );
	}

	private static function json_decode_or_throw( $input ) {
		$value = json_decode( $input, false, 512, JSON_BIGINT_AS_STRING );
		$errno = json_last_error();
		if ( $errno ) {
			$messages = array(
				JSON_ERROR_DEPTH          => 'Maximum stack depth exceeded',
				JSON_ERROR_STATE_MISMATCH => 'Invalid or malformed JSON',
				JSON_ERROR_CTRL_CHAR      => 'Unexpected control character found',
				JSON_ERROR_SYNTAX         => 'Syntax error, malformed JSON',
				JSON_ERROR_UTF8           => 'Malformed UTF-8 characters',
			);
			throw new DomainException( $messages[ $errno ] ?? 'Unknown JSON error: ' . $errno );
		}
		if ( null === $value && 'null' !== $input ) {
			throw new DomainException( 'Null result with non-null input' );
		}
		return $value;
	}

	public static function encode( array $claims, $key ) {
		$header  = self::b64url_encode( wp_json_encode( array( 'typ' => 'JWT', 'alg' => 'HS256' ), JSON_UNESCAPED_SLASHES ) );
		$payload = self::b64url_encode( wp_json_encode( $claims, JSON_UNESCAPED_SLASHES ) );
		$sig     = hash_hmac( 'sha256', $header . '.' . $payload, $key, true );
		return $header . '.' . $payload . '.' . self::b64url_encode( $sig );
	}

	/**
	 * Decode and verify a token; throws with php-jwt's messages ("Wrong number of segments",
	 * "Malformed UTF-8 characters", "Signature verification failed", "Cannot handle token prior to …",
	 * "Expired token", …).
	 */
	public static function decode( $jwt, $key ) {
		$now      = time();
		$segments = explode( '.', $jwt );
		if ( count( $segments ) !== 3 ) {
			throw new UnexpectedValueException( 'Wrong number of segments' );
		}
		list( $head64, $body64, $sig64 ) = $segments;
		$header = self::json_decode_or_throw( self::b64url_decode( $head64 ) );
		if ( null === $header ) {
			throw new UnexpectedValueException( 'Invalid header encoding' );
		}
		$payload = self::json_decode_or_throw( self::b64url_decode( $body64 ) );
		if ( null === $payload ) {
			throw new UnexpectedValueException( 'Invalid claims encoding' );
		}
		if ( is_array( $payload ) ) {
			$payload = (object) $payload;
		}
		if ( ! $payload instanceof stdClass ) {
			throw new UnexpectedValueException( 'Payload must be a JSON object' );
		}
		$signature = self::b64url_decode( $sig64 );
		$alg       = is_object( $header ) && isset( $header->alg ) ? $header->alg : null;
		if ( empty( $alg ) ) {
			throw new UnexpectedValueException( 'Empty algorithm' );
		}
		$supported = array( 'ES384', 'ES256', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'EdDSA' );
		if ( ! is_string( $alg ) || ! in_array( $alg, $supported, true ) ) {
			throw new UnexpectedValueException( 'Algorithm not supported' );
		}
		if ( 'HS256' !== $alg ) {
			throw new UnexpectedValueException( 'Incorrect key for this algorithm' );
		}
		if ( ! hash_equals( hash_hmac( 'sha256', $head64 . '.' . $body64, $key, true ), $signature ) ) {
			throw new UnexpectedValueException( 'Signature verification failed' );
		}
		if ( isset( $payload->nbf ) && $payload->nbf > $now ) {
			throw new UnexpectedValueException( 'Cannot handle token prior to ' . gmdate( DateTimeInterface::ISO8601, (int) $payload->nbf ) );
		}
		if ( isset( $payload->iat ) && $payload->iat > $now ) {
			throw new UnexpectedValueException( 'Cannot handle token prior to ' . gmdate( DateTimeInterface::ISO8601, (int) $payload->iat ) );
		}
		if ( isset( $payload->exp ) && $now >= $payload->exp ) {
			throw new UnexpectedValueException( 'Expired token' );
		}
		return $payload;
	}

	/* ------------------------------------------------------------------ Tmeister 1.3.4 */

	private static function tm_error( $code, $message ) {
		return new WP_Error( $code, $message, array( 'status' => 403 ) );
	}

	public static function tm_generate_token( WP_REST_Request $request ) {
		$secret   = self::secret();
		$username = $request->get_param( 'username' );
		$password = $request->get_param( 'password' );

		if ( ! $secret ) {
			return self::tm_error( 'jwt_auth_bad_config', 'JWT is not configured properly, please contact the admin' );
		}

		$user = wp_authenticate( $username, $password );
		if ( is_wp_error( $user ) ) {
			$code = $user->get_error_code();
			return self::tm_error( '[jwt_auth] ' . $code, $user->get_error_message( $code ) );
		}

		$issued_at  = time();
		$not_before = apply_filters( 'jwt_auth_not_before', $issued_at, $issued_at );
		$expire     = apply_filters( 'jwt_auth_expire', $issued_at + ( DAY_IN_SECONDS * 7 ), $issued_at );
		$claims     = array(
			'iss'  => get_bloginfo( 'url' ),
			'iat'  => $issued_at,
			'nbf'  => $not_before,
			'exp'  => $expire,
			'data' => array( 'user' => array( 'id' => (string) $user->ID ) ),
		);
		$token = self::encode( apply_filters( 'jwt_auth_token_before_sign', $claims, $user ), $secret );

		$data = array(
			'token'             => $token,
			'user_email'        => $user->user_email,
			'user_nicename'     => $user->user_nicename,
			'user_display_name' => $user->display_name,
		);
		return apply_filters( 'jwt_auth_token_before_dispatch', $data, $user );
	}

	/** @return WP_Error|stdClass the decoded claims */
	private static function tm_check( $auth_header ) {
		if ( ! $auth_header ) {
			return self::tm_error( 'jwt_auth_no_auth_header', 'Authorization header not found.' );
		}
		$token = self::bearer_token( $auth_header );
		if ( ! $token ) {
			return self::tm_error( 'jwt_auth_bad_auth_header', 'Authorization header malformed.' );
		}
		$secret = self::secret();
		if ( ! $secret ) {
			return self::tm_error( 'jwt_auth_bad_config', 'JWT is not configured properly, please contact the admin' );
		}
		try {
			$claims = self::decode( $token, $secret );
		} catch ( Exception $e ) {
			return self::tm_error( 'jwt_auth_invalid_token', $e->getMessage() );
		}
		if ( ! isset( $claims->iss ) || $claims->iss !== get_bloginfo( 'url' ) ) {
			return self::tm_error( 'jwt_auth_bad_iss', 'The iss do not match with this server' );
		}
		if ( ! isset( $claims->data->user->id ) ) {
			return self::tm_error( 'jwt_auth_bad_request', 'User ID not found in the token' );
		}
		return $claims;
	}

	public static function tm_validate_route( WP_REST_Request $request ) {
		$claims = self::tm_check( $request->get_header( 'Authorization' ) );
		if ( is_wp_error( $claims ) ) {
			return $claims;
		}
		return array(
			'code' => 'jwt_auth_valid_token',
			'data' => array( 'status' => 200 ),
		);
	}

	private static function tm_determine_current_user( $user ) {
		$uri     = self::request_uri();
		$is_rest = ( defined( 'REST_REQUEST' ) && REST_REQUEST ) || strpos( $uri, rest_get_url_prefix() );
		if ( $is_rest && $user ) {
			return $user;
		}
		// /token/validate checks the header itself.
		if ( strpos( $uri, 'token/validate' ) > 0 ) {
			return $user;
		}
		$auth = self::authorization_header();
		if ( ! $auth || strpos( $auth, 'Bearer' ) !== 0 ) {
			return $user;
		}
		$claims = self::tm_check( $auth );
		if ( is_wp_error( $claims ) ) {
			if ( $claims->get_error_code() !== 'jwt_auth_no_auth_header' ) {
				self::$jwt_error = $claims;
			}
			return $user;
		}
		return $claims->data->user->id;
	}

	/* ------------------------------------------------------------------ Useful Team 3.x */

	private static function ut_error( $code, $message, $status = 401 ) {
		return new WP_REST_Response(
			array(
				'success'    => false,
				'statusCode' => $status,
				'code'       => $code,
				'message'    => $message,
				'data'       => array(),
			),
			$status
		);
	}

	private static function ut_is_error( $response ) {
		return $response instanceof WP_REST_Response && is_array( $response->data ) && empty( $response->data['success'] );
	}

	public static function ut_get_token( WP_REST_Request $request ) {
		$secret   = self::secret();
		$username = $request->get_param( 'username' );
		$password = $request->get_param( 'password' );

		if ( ! $secret ) {
			return self::ut_error( 'jwt_auth_bad_config', 'JWT is not configured properly.', 500 );
		}

		if ( isset( $_COOKIE['refresh_token'] ) ) {
			$user_id = self::ut_check_refresh_token( $_COOKIE['refresh_token'], (string) $request->get_param( 'device' ) );
			if ( $user_id instanceof WP_REST_Response ) {
				return $user_id;
			}
			$user = get_user_by( 'id', $user_id );
		} else {
			$user = wp_authenticate( $username, $password );
		}

		if ( is_wp_error( $user ) ) {
			$code = $user->get_error_code();
			return self::ut_error( $code, wp_strip_all_tags( $user->get_error_message( $code ) ) );
		}

		$issued_at = time();
		$claims    = array(
			'iss'  => get_bloginfo( 'url' ),
			'iat'  => $issued_at,
			'nbf'  => apply_filters( 'jwt_auth_not_before', $issued_at, $issued_at ),
			'exp'  => apply_filters( 'jwt_auth_expire', $issued_at + ( MINUTE_IN_SECONDS * 10 ), $issued_at ),
			'data' => array( 'user' => array( 'id' => $user->ID ) ),
		);
		$token = self::encode( apply_filters( 'jwt_auth_payload', $claims, $user ), $secret );

		if ( $username && $password ) {
			self::ut_send_refresh_token( $user, $request );
		}

		return new WP_REST_Response(
			apply_filters(
				'jwt_auth_valid_credential_response',
				array(
					'success'    => true,
					'statusCode' => 200,
					'code'       => 'jwt_auth_valid_credential',
					'message'    => 'Credential is valid',
					'data'       => array(
						'token'       => $token,
						'id'          => $user->ID,
						'email'       => $user->user_email,
						'nicename'    => $user->user_nicename,
						'firstName'   => $user->first_name,
						'lastName'    => $user->last_name,
						'displayName' => $user->display_name,
					),
				),
				$user
			)
		);
	}

	private static function ut_send_refresh_token( WP_User $user, WP_REST_Request $request ) {
		$refresh = bin2hex( random_bytes( 32 ) );
		$expires = apply_filters( 'jwt_auth_refresh_expire', time() + DAY_IN_SECONDS * 30, time() );
		if ( ! headers_sent() ) {
			setcookie( 'refresh_token', $user->ID . '.' . $refresh, $expires, COOKIEPATH, COOKIE_DOMAIN, is_ssl(), true );
		}
		$tokens = get_user_meta( $user->ID, 'jwt_auth_refresh_tokens', true );
		if ( ! is_array( $tokens ) ) {
			$tokens = array();
		}
		$tokens[ (string) $request->get_param( 'device' ) ] = array(
			'token'   => $refresh,
			'expires' => $expires,
		);
		update_user_meta( $user->ID, 'jwt_auth_refresh_tokens', $tokens );
	}

	/** @return int|WP_REST_Response the user id, or an error */
	private static function ut_check_refresh_token( $cookie, $device ) {
		$parts = explode( '.', (string) $cookie );
		if ( count( $parts ) !== 2 || empty( intval( $parts[0] ) ) || empty( $parts[1] ) ) {
			return self::ut_error( 'jwt_auth_invalid_refresh_token', 'Invalid refresh token' );
		}
		$user_id = intval( $parts[0] );
		$tokens  = get_user_meta( $user_id, 'jwt_auth_refresh_tokens', true );
		if ( empty( $tokens[ $device ] ) || $tokens[ $device ]['token'] !== $parts[1] || $tokens[ $device ]['expires'] < time() ) {
			return self::ut_error( 'jwt_auth_obsolete_token', 'Token is obsolete' );
		}
		return $user_id;
	}

	public static function ut_refresh_token( WP_REST_Request $request ) {
		if ( ! isset( $_COOKIE['refresh_token'] ) ) {
			return self::ut_error( 'jwt_auth_no_auth_cookie', 'Refresh token cookie not found.' );
		}
		$user_id = self::ut_check_refresh_token( $_COOKIE['refresh_token'], (string) $request->get_param( 'device' ) );
		if ( $user_id instanceof WP_REST_Response ) {
			return $user_id;
		}
		self::ut_send_refresh_token( get_user_by( 'id', $user_id ), $request );
		return new WP_REST_Response(
			array(
				'success'    => true,
				'statusCode' => 200,
				'code'       => 'jwt_auth_valid_token',
				'message'    => 'Token is valid',
			)
		);
	}

	/** @return WP_REST_Response|stdClass an error response, or the claims */
	private static function ut_check() {
		$auth = self::authorization_header();
		if ( ! $auth ) {
			return self::ut_error( 'jwt_auth_no_auth_header', 'Authorization header not found.' );
		}
		$token = self::bearer_token( $auth );
		if ( ! $token ) {
			return self::ut_error( 'jwt_auth_bad_auth_header', 'Authorization header malformed.' );
		}
		$secret = self::secret();
		if ( ! $secret ) {
			return self::ut_error( 'jwt_auth_bad_config', 'JWT is not configured properly.' );
		}
		try {
			$claims = self::decode( $token, $secret );
		} catch ( Exception $e ) {
			return self::ut_error( 'jwt_auth_invalid_token', $e->getMessage() );
		}
		if ( ! isset( $claims->iss ) || $claims->iss !== get_bloginfo( 'url' ) ) {
			return self::ut_error( 'jwt_auth_bad_iss', 'The iss do not match with this server.' );
		}
		if ( ! isset( $claims->data->user->id ) ) {
			return self::ut_error( 'jwt_auth_bad_request', 'User ID not found in the token.' );
		}
		if ( ! get_user_by( 'id', $claims->data->user->id ) ) {
			return self::ut_error( 'jwt_auth_user_not_found', "User doesn't exist" );
		}
		return $claims;
	}

	public static function ut_validate_route( WP_REST_Request $request ) {
		$claims = self::ut_check();
		if ( self::ut_is_error( $claims ) ) {
			return $claims;
		}
		return new WP_REST_Response(
			array(
				'success'    => true,
				'statusCode' => 200,
				'code'       => 'jwt_auth_valid_token',
				'message'    => 'Token is valid',
				'data'       => array(),
			)
		);
	}

	private static function ut_determine_current_user( $user ) {
		$uri    = self::request_uri();
		$prefix = get_option( 'permalink_structure' ) ? rest_get_url_prefix() : '?rest_route=/';
		if ( ! strpos( $uri, $prefix ) ) {
			return $user;
		}
		if ( strpos( $uri, 'token/validate' ) > 0 ) {
			return $user;
		}
		$claims = self::ut_check();
		if ( ! self::ut_is_error( $claims ) ) {
			return $claims->data->user->id;
		}
		$code = $claims->data['code'];
		if ( 'jwt_auth_no_auth_header' === $code || 'jwt_auth_bad_auth_header' === $code ) {
			$slug = home_url( '/' . $prefix, 'relative' );
			if ( strpos( $uri, $slug . '/jwt-auth/v1/token' ) !== 0 ) {
				$whitelist = apply_filters(
					'jwt_auth_default_whitelist',
					array( $slug . '/wc/', $slug . '/wc-admin/', $slug . '/wc-auth/', $slug . '/wc-analytics/', $slug . '/wp/v2/', $slug . '/oembed/' )
				);
				$ignored = false;
				foreach ( $whitelist as $endpoint ) {
					if ( false !== stripos( $uri, $endpoint ) ) {
						$ignored = true;
						break;
					}
				}
				if ( ! $ignored ) {
					self::$jwt_error = $claims;
				}
			}
		} elseif ( get_option( 'wpsync_jwt_double_ut_invalid_token', 'anonymous' ) === 'reject' ) {
			self::$jwt_error = $claims;
		}
		return $user;
	}
}

Wpsync_Jwt_Double::boot();
