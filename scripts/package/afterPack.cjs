'use strict';
module.exports = require('./duckdbBinding.cjs').afterPack;
