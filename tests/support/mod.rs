pub mod mini_conf;
