<?php
/**
 * Plugin Name: wpsync test site: no mail
 * Description: The local test WordPress has no mail program; pretend every mail was sent.
 */

add_filter( 'pre_wp_mail', '__return_true' );
